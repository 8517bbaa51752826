package dev.vigil.server.inventory;

import java.util.List;

/** Create or replace an application. {@code criticality} is low, medium, high or critical. */
public record ApplicationRequest(
        String name, String description, String owner, String criticality, List<String> expectedSources) {}
