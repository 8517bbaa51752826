/**
 * The Sigma rule model (v2.1): rules, filters, correlation rules, conditions, typed values; the YAML document parser
 * and the modifier interpreter that refuse what they cannot honour, with a YAML path and a reason.
 */
package dev.vigil.engine.rule;
