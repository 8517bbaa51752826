/**
 * Ingest: the receivers (syslog over UDP, TCP and TLS; HTTP NDJSON; Elasticsearch-compatible {@code _bulk};
 * OTLP/HTTP logs), the configured log sources, backpressure and the per-source counters.
 *
 * <p>Flow: a receiver turns bytes into records and hands a whole read or request to the source's normalizer, which
 * produces {@link dev.vigil.server.normalize.IngestedEvent}s; the batch is offered, all or nothing, to the bounded
 * {@code IngestPipeline}, which appends it to the {@link dev.vigil.server.ingest.DurableJournal} (the event store:
 * HTTP requests are acknowledged once the batch is durable) and whose worker threads hand batches to detection. When the pipeline is full, HTTP answers 429
 * with {@code Retry-After}, TCP stops reading until it drains, and UDP datagrams are dropped and counted. Every record
 * is counted exactly once as accepted, rejected (with a reason) or dropped.
 */
package dev.vigil.server.ingest;
