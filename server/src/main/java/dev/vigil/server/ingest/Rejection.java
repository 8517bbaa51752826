package dev.vigil.server.ingest;

import java.time.Instant;

/**
 * A record that was refused: where it came from, why, and the start of it (at most 200 characters) so an operator can
 * find and fix the sender.
 *
 * @param location line number for HTTP and files, item number for {@code _bulk}, the sender address for syslog
 */
public record Rejection(Instant at, String source, String location, String reason, String excerpt) {}
