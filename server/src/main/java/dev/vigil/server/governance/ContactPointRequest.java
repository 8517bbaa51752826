package dev.vigil.server.governance;

/** Creates or replaces a contact point. */
public record ContactPointRequest(String name, String kind, String value, String description, Boolean singlePoint) {}
