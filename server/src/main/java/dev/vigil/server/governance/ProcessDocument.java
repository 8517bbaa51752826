package dev.vigil.server.governance;

import java.time.Instant;

/** One version of a process's Markdown documentation. Versions are immutable; a change adds a version. */
public record ProcessDocument(
        String processKey, int version, String markdown, String summary, String author, Instant createdAt) {}
