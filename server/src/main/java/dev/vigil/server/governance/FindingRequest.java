package dev.vigil.server.governance;

import java.time.LocalDate;

/** A finding of an exercise and its follow-up action (owner, due date). */
public record FindingRequest(String finding, String action, String owner, LocalDate dueDate) {}
