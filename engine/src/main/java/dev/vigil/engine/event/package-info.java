/** Events as flat fields with cached text/lower-case forms; JSON and NDJSON reading with bounded, clear failures. */
package dev.vigil.engine.event;
