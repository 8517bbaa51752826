package dev.vigil.server.ingest.internal;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code vigil.ingest.*}: intake settings (docs/configuration.md, "Intake").
 *
 * @param maxRecordSize the largest single record (syslog frame, NDJSON line, {@code _bulk} document, OTLP record)
 * @param maxBodySize the largest HTTP request body after decompression
 * @param queueEvents, queueSize the pipeline's budgets: events and estimated heap bytes queued or in detection
 * @param workers threads that hand batches to detection
 * @param retryAfterSeconds the {@code Retry-After} of a 429 answer
 * @param bulkVersion the Elasticsearch version the {@code _bulk} endpoint reports to clients
 * @param evaluationRetry how long a worker retries detection of a durable batch that failed for a reason that names
 *     no event before counting it as failed, or whose statement did not finish (timeout, cancel, serialization
 *     failure, deadlock) before isolating the event that makes it fail; a database outage is not bounded by it (the
 *     batch is held until the database is back, see {@link dev.vigil.server.ingest.SinkFailure})
 * @param maxInFlight what requests being read and normalized at once hold across all HTTP ingest requests and syslog
 *     reads: body bytes after decompression plus the estimated heap of their decoded records and parsed events
 *     ({@link RequestBudget}); beyond it HTTP answers 429 with Retry-After, syslog TCP stops reading and UDP
 *     counts drops. Unset: an eighth of the maximum heap
 */
@ConfigurationProperties("vigil.ingest")
public record IngestProperties(
        @DefaultValue("1MB") DataSize maxRecordSize,
        @DefaultValue("64MB") DataSize maxBodySize,
        @DefaultValue("200000") long queueEvents,
        @DefaultValue("256MB") DataSize queueSize,
        @DefaultValue("2") int workers,
        @DefaultValue("1") int retryAfterSeconds,
        @DefaultValue("8.17.0") String bulkVersion,
        @DefaultValue Syslog syslog,
        @DefaultValue("60s") java.time.Duration evaluationRetry,
        DataSize maxInFlight) {

    /**
     * {@link #maxInFlight}, or its default: an eighth of the maximum heap. A request alone may exceed it (see
     * {@link InFlightGate}), so a small value never blocks a large record for good.
     */
    public long maxInFlightBytes() {
        return maxInFlight != null ? maxInFlight.toBytes() : InFlightGate.defaultMax();
    }

    /**
     * @param enabled false starts no syslog listener
     * @param bindAddress listen address of all three listeners
     * @param udpPort, tcpPort, tlsPort ports; 0 for an ephemeral port, -1 to disable one
     * @param tlsCertificate, tlsPrivateKey PEM files; unset: a self-signed pair in {@code DATA_DIR/ingest/}
     * @param maxConnections concurrent TCP+TLS connections
     */
    public record Syslog(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("0.0.0.0") String bindAddress,
            @DefaultValue("5514") int udpPort,
            @DefaultValue("5514") int tcpPort,
            @DefaultValue("6514") int tlsPort,
            Path tlsCertificate,
            Path tlsPrivateKey,
            @DefaultValue("1000") int maxConnections) {}
}
