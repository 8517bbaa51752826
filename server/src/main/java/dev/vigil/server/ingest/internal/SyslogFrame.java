package dev.vigil.server.ingest.internal;

/** One syslog frame as a receiver saw it: decoded text, or the reason it could not be framed or decoded. */
public sealed interface SyslogFrame {
    /** Bytes on the wire, for counters. */
    int size();

    record Text(String text, int size) implements SyslogFrame {}

    record Invalid(String reason, int size) implements SyslogFrame {}
}
