package dev.vigil.server.ingest.internal;

/**
 * One HTTP ingest request's claim on the {@link InFlightGate}: the bytes of its body read so far <em>after</em>
 * decompression (at least its declared {@code Content-Length}) plus the estimated heap of the events parsed from it
 * ({@link dev.vigil.server.ingest.IngestPipeline#estimateBytes}, the estimate the pipeline's queue budget uses). The
 * body bytes alone understate what a request holds: a compact body of small records (a gzip'd NDJSON of {@code {}}
 * lines, a protobuf OTLP export whose resource attributes every record inherits) parses into many times its size,
 * so the gate charges what the parsed events occupy, and a request whose events would take the gate beyond its
 * budget is refused (429) while it is read, not after its events exhausted the heap.
 *
 * <p>Grows the lease by at least {@link #AHEAD} bytes at a time (one lock per that many bytes, not per record);
 * throws {@link InFlightGate.Full} from inside the reader when the gate cannot give what is needed.
 */
final class RequestBudget {
    static final long AHEAD = 256 * 1024;

    private final InFlightGate.Lease lease;
    private final long declared;
    private long decoded;
    private long parsed;
    private long records;
    private long structures;

    RequestBudget(InFlightGate.Lease lease, long declared) {
        this.lease = lease;
        this.declared = Math.max(0, declared);
    }

    /** The body has been read (and decompressed) up to {@code total} bytes. */
    void decoded(long total) {
        decoded = total;
        grow();
    }

    /** Decoding the body is estimated to take {@code bytes} more (beyond the records it yields). */
    void decoding(long bytes) {
        structures += bytes;
        grow();
    }

    /** One more decoded record (OTLP: decoded whole before its events are made) takes {@code cost} bytes. */
    void decodedRecord(long cost) {
        records++;
        structures += cost;
        grow();
    }

    /** Records decoded so far ({@link #decodedRecord}). */
    long records() {
        return records;
    }

    /** The events parsed so far are estimated to take {@code estimate} bytes of heap. */
    void parsed(long estimate) {
        parsed = estimate;
        grow();
    }

    /** Leaves the gate: the events are the pipeline's queue's now (or refused). */
    void release() {
        lease.close();
    }

    private void grow() {
        long need = Math.max(decoded, declared) + structures + parsed;
        if (need > lease.held()) {
            lease.require(need, AHEAD);
        }
    }
}
