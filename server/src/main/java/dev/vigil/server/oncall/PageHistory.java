package dev.vigil.server.oncall;

import dev.vigil.server.notify.Delivery;
import java.util.List;

/** A page with its history and every delivery made for it (with each attempt and its outcome). */
public record PageHistory(Page page, List<PageLogEntry> log, List<Delivery> deliveries) {}
