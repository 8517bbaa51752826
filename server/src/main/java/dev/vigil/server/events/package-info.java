/**
 * Events: the durable, tamper-evident, searchable store of every ingested event.
 *
 * <ul>
 *   <li>{@link dev.vigil.server.events.EventStore}: search (Lucene query syntax, time ranges, cursor paging), get by
 *       id (alerts and incident evidence refer to stored events by id), field statistics and streamed scans
 *       (export, retro-hunts). Embedded Apache Lucene, one index per receive day and retention; the interface is what
 *       an OpenSearch store implements when Vigil is scaled out.
 *   <li>Durability: the store is the intake pipeline's {@link dev.vigil.server.ingest.DurableJournal}: a
 *       write-ahead log with group commit, so an HTTP/OTLP/{@code _bulk} request is acknowledged only when its
 *       events are on disk; crash recovery re-indexes from the log and replays unevaluated events to detection.
 *   <li>Tamper evidence: events are sealed in batches whose SHA-256 digests chain in PostgreSQL;
 *       {@link dev.vigil.server.events.IntegrityService} re-reads the events and reports the batches (ids and time
 *       ranges) that were modified, removed, reordered or inserted; results are kept.
 *   <li>Retention per source, enforced by dropping whole partitions; the chain stays verifiable across them.
 *   <li>{@link dev.vigil.server.events.RetroHunts}: a rule, an uploaded rule or the active rule set over stored
 *       events, as an asynchronous, cancellable job.
 * </ul>
 */
@org.springframework.modulith.ApplicationModule(displayName = "Events")
package dev.vigil.server.events;
