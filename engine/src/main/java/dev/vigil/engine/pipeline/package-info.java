/** Event normalisation pipelines: field renames/aliases, logsource determination, time field; YAML-defined. */
package dev.vigil.engine.pipeline;
