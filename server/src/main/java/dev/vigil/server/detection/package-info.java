/**
 * Detection: every ingested event runs through the Sigma engine, and detections become alerts.
 *
 * <ul>
 *   <li>{@link dev.vigil.server.detection.DetectionService} is the hot path the intake calls with batches;
 *   <li>{@link dev.vigil.server.detection.RuleService} manages the rules stored in PostgreSQL: import (files,
 *       directories, SigmaHQ release zips), enable/disable, per-rule statistics, and the atomic hot reload that
 *       swaps the compiled rule set without stopping intake (a reload that would leave zero rules is refused).
 * </ul>
 */
@org.springframework.modulith.ApplicationModule(displayName = "Detection")
package dev.vigil.server.detection;
