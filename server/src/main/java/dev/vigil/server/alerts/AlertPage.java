package dev.vigil.server.alerts;

import java.util.List;

/** One page of alerts and the total number matching the query. */
public record AlertPage(List<Alert> items, int page, int size, long total) {}
