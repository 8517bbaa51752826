/**
 * The evidence locker of incidents: files uploaded by responders (streamed to {@code DATA_DIR/evidence}, size-capped)
 * and alerts or stored events attached as canonical JSON, each with a SHA-256 computed by the server, an append-only
 * chain of custody (who, when, action, location) and an integrity re-check on every download that refuses a file
 * whose hash no longer matches (and records the failure). Every access is audited.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Evidence")
package dev.vigil.server.evidence;
