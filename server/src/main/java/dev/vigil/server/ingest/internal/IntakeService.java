package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.ingest.Intake;
import dev.vigil.server.ingest.Rejection;
import dev.vigil.server.ingest.SourceActivity;
import dev.vigil.server.ingest.SourceStats;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.normalize.ParseException;
import dev.vigil.server.normalize.SyslogMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The intake's core, independent of transports: attributes each record to a log source, parses and normalizes it,
 * and offers the whole read or request to the {@link IngestPipeline}. Receivers (Netty handlers, HTTP controllers)
 * only move bytes; every counting and backpressure decision is made here, in one place.
 */
public final class IntakeService implements SyslogIntake, SourceActivity, dev.vigil.server.ingest.ReplayIntake {
    /** Why an HTTP request was not taken. */
    public enum Status {
        ACCEPTED,
        /** The pipeline is full: answer 429 with Retry-After; nothing was taken or counted. */
        BUSY,
        /** The body as a whole is unusable (broken gzip, not OTLP); answer 400. */
        BAD_BODY,
        /** The body exceeds the size cap; answer 413. */
        TOO_LARGE,
        /** The event store could not make the batch durable; answer 503 with Retry-After. Nothing was acknowledged. */
        UNAVAILABLE
    }

    private static final String NOT_DURABLE = "the event store could not make the events durable; retry later";

    /** One rejected line or item, for the HTTP answer. */
    public record LineError(int line, String reason) {}

    /** The answer to an NDJSON request. */
    public record LinesResult(
            Status status, String source, int accepted, int rejected, List<LineError> errors, String message) {}

    private final SourceRegistry registry;
    private final IngestPipeline pipeline;
    private final InstantSource clock;
    private final Limits limits;
    private final LongAdder throttledRequests = new LongAdder();
    private final LongAdder badBodies = new LongAdder();
    private final LongAdder notDurableRequests = new LongAdder();
    private final RecordFailures failures;

    /** Size caps. */
    public record Limits(int maxRecordBytes, long maxBodyBytes, int maxReportedErrors) {}

    private final InFlightGate gate;

    /** An intake without a global in-flight bound (tests, tools). */
    public IntakeService(SourceRegistry registry, IngestPipeline pipeline, InstantSource clock, Limits limits) {
        this(registry, pipeline, clock, limits, InFlightGate.unlimited());
    }

    public IntakeService(
            SourceRegistry registry, IngestPipeline pipeline, InstantSource clock, Limits limits, InFlightGate gate) {
        this.registry = registry;
        this.pipeline = pipeline;
        this.clock = clock;
        this.limits = limits;
        this.gate = gate;
        this.failures = new RecordFailures(clock, java.time.Duration.ofMinutes(1));
    }

    /** Records rejected because processing them failed unexpectedly (an internal error, not a malformed record). */
    public long recordFailures() {
        return failures.count();
    }

    public SourceRegistry registry() {
        return registry;
    }

    public IngestPipeline pipeline() {
        return pipeline;
    }

    public InFlightGate gate() {
        return gate;
    }

    private String inFlightBusy() {
        throttledRequests.increment();
        return "too many ingest bytes in flight (the server's limit of " + gate.max()
                + " bytes across concurrent requests is reached); retry later";
    }

    public long throttledRequests() {
        return throttledRequests.sum();
    }

    public long badBodies() {
        return badBodies.sum();
    }

    /**
     * A request holds more records than the whole pipeline may queue: refused (413) while it is read, so that a small
     * (or gzip-compressed) body of tiny records cannot build millions of events and rejections in memory.
     */
    private static final class TooManyRecords extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyRecords(long max) {
            super(
                    "the request holds more than " + max
                            + " records (the intake pipeline's capacity); send smaller requests",
                    null,
                    false,
                    false);
        }
    }

    /** Throws {@link TooManyRecords} when {@code batch} cannot take one more record. */
    private void checkRoom(PendingBatch batch) {
        if ((long) batch.events.size() + batch.rejectedCount() >= pipeline.maxEvents()) {
            throw new TooManyRecords(pipeline.maxEvents());
        }
        if (batch.budget != null) {
            // the events parsed so far, charged to the in-flight gate (may throw InFlightGate.Full: 429)
            batch.budget.parsed(batch.estimatedBytes());
        }
    }

    // ------------------------------------------------------------------------------------------------ syslog

    @Override
    public boolean submit(Transport transport, InetSocketAddress sender, List<SyslogFrame> frames, boolean canWait) {
        Instant now = clock.instant();
        PendingBatch batch = new PendingBatch();
        String senderIp = sender == null ? null : sender.getAddress().getHostAddress();
        for (SyslogFrame frame : frames) {
            try {
                switch (frame) {
                    case SyslogFrame.Invalid inv -> {
                        CompiledSource s = registry.resolve(
                                Intake.SYSLOG, new SourceMatcher.Attributes(address(sender), null, null, null, null));
                        batch.reject(s, rejection(now, s, senderIp, inv.reason(), ""));
                    }
                    case SyslogFrame.Text t -> syslogRecord(t.text(), sender, senderIp, now, batch);
                }
            } catch (RuntimeException e) {
                // one record's failure must not lose the others of this read (nor close the connection);
                // syslogRecord attributes its own failures to the matched source, this is the last resort
                CompiledSource s = registry.defaultFor(Intake.SYSLOG);
                String text = frame instanceof SyslogFrame.Text t ? t.text() : "";
                batch.reject(s, rejection(now, s, senderIp, failures.failed(e, s.name(), senderIp), text));
            }
        }
        if (batch.events.isEmpty()) {
            batch.commit();
            return true;
        }
        long bytes = 0;
        for (SyslogFrame f : frames) {
            bytes += f instanceof SyslogFrame.Text t ? t.text().length() : 0;
        }
        // the frames' text and the heap of the events parsed from them
        bytes += batch.estimatedBytes();
        try (InFlightGate.Lease lease = gate.lease()) {
            if (!lease.ensure(bytes)) {
                // too much in flight across all intakes: TCP stops reading (onDrained), UDP counts a drop
                if (!canWait) {
                    batch.commitDropped();
                }
                return false;
            }
            return offerSyslog(batch, canWait);
        }
    }

    private boolean offerSyslog(PendingBatch batch, boolean canWait) {
        CompletableFuture<Void> ack = pipeline.offer(batch.events);
        if (ack != null && ack.isCompletedExceptionally()) {
            // the event store refused the batch (failed): syslog cannot be asked to resend
            batch.commitDropped();
            return true;
        }
        if (ack != null) {
            batch.commit();
            return true;
        }
        if (canWait) {
            return false;
        }
        batch.commitDropped();
        return false;
    }

    private void syslogRecord(String text, InetSocketAddress sender, String senderIp, Instant now, PendingBatch batch) {
        SyslogMessage msg;
        CompiledSource source;
        try {
            msg = registry.defaultFor(Intake.SYSLOG).syslog().parse(text, now);
        } catch (ParseException e) {
            source = registry.resolve(
                    Intake.SYSLOG, new SourceMatcher.Attributes(address(sender), null, null, null, null));
            batch.reject(source, rejection(now, source, senderIp, e.reason(), text));
            return;
        }
        source = registry.resolve(
                Intake.SYSLOG,
                new SourceMatcher.Attributes(address(sender), msg.hostname(), msg.appName(), null, null));
        if (source.syslog() != registry.defaultFor(Intake.SYSLOG).syslog()
                && msg.format() == SyslogMessage.Format.RFC3164) {
            try {
                msg = source.syslog().parse(text, now); // the source's time zone for RFC 3164 timestamps
            } catch (ParseException e) {
                batch.reject(source, rejection(now, source, senderIp, e.reason(), text));
                return;
            }
        }
        try {
            Map<String, Object> fields = msg.toFields();
            if (senderIp != null) {
                fields.put("log.source.address", senderIp);
            }
            if (source.parser() != null) {
                fields.putAll(source.parser().parse(msg.message(), now));
            }
            batch.add(source, toEvent(source, null, now, text, fields));
        } catch (ParseException e) {
            batch.reject(source, rejection(now, source, senderIp, e.reason(), text));
        } catch (RuntimeException e) {
            batch.reject(source, rejection(now, source, senderIp, failures.failed(e, source.name(), senderIp), text));
        }
    }

    private static java.net.InetAddress address(InetSocketAddress a) {
        return a == null ? null : a.getAddress();
    }

    /** Runs {@code listener} once both the pipeline's queue and the in-flight gate have room again. */
    @Override
    public void onDrained(Runnable listener) {
        pipeline.onDrained(() -> gate.onDrained(listener));
    }

    // ------------------------------------------------------------------------------------------------ HTTP NDJSON

    /**
     * Reads an NDJSON (or any line-based, per the source's parser) body and offers it as one batch.
     *
     * @param sourceName the source named in the path; unknown names land in {@code default-http}
     */
    public LinesResult ingestLines(String sourceName, InputStream body, boolean gzip) throws IOException {
        return ingestLines(sourceName, body, gzip, -1);
    }

    /**
     * @param contentLength the body's declared length, or -1: reserved in the in-flight gate before reading, so an
     *     over-budget request is refused (429) before a byte is read
     */
    public LinesResult ingestLines(String sourceName, InputStream body, boolean gzip, long contentLength)
            throws IOException {
        try (InFlightGate.Lease lease = gate.lease()) {
            return ingestLines(sourceName, body, gzip, contentLength, lease);
        }
    }

    private LinesResult ingestLines(
            String sourceName, InputStream body, boolean gzip, long contentLength, InFlightGate.Lease lease)
            throws IOException {
        if (contentLength > 0 && !lease.ensure(contentLength)) {
            return new LinesResult(Status.BUSY, sourceName, 0, 0, List.of(), inFlightBusy());
        }
        if (pipeline.isSaturated()) {
            throttledRequests.increment();
            return new LinesResult(
                    Status.BUSY, sourceName, 0, 0, List.of(), "the intake pipeline is full; retry later");
        }
        CompiledSource named = registry.byName(sourceName);
        CompiledSource source = named != null ? named : registry.defaultFor(Intake.HTTP);
        Instant now = clock.instant();
        PendingBatch batch = new PendingBatch();
        List<LineError> errors = new ArrayList<>();
        RequestBudget budget = new RequestBudget(lease, contentLength);
        batch.budget = budget;
        LineReader reader = new LineReader(limits.maxRecordBytes(), limits.maxBodyBytes());
        try {
            reader.read(
                    body,
                    gzip,
                    new LineReader.Sink() {
                        @Override
                        public void line(int number, String text) {
                            checkRoom(batch);
                            try {
                                // a syslog source whose parser is "syslog" has no record parser: each line is a syslog
                                // line
                                Map<String, Object> fields = source.parser() != null
                                        ? source.parser().parse(text, now)
                                        : source.syslog().parse(text, now).toFields();
                                batch.add(source, toEvent(source, null, now, text, fields));
                            } catch (ParseException e) {
                                reject(number, e.reason(), text);
                            } catch (RuntimeException e) {
                                reject(number, failures.failed(e, source.name(), "line " + number), text);
                            }
                        }

                        @Override
                        public void invalid(int number, String reason, int size) {
                            reject(number, reason, "");
                        }

                        private void reject(int number, String reason, String text) {
                            checkRoom(batch);
                            batch.reject(source, rejection(now, source, "line " + number, reason, text));
                            if (errors.size() < limits.maxReportedErrors()) {
                                errors.add(new LineError(number, reason));
                            }
                        }
                    },
                    budget::decoded);
            budget.parsed(batch.estimatedBytes());
        } catch (InFlightGate.Full e) {
            return new LinesResult(Status.BUSY, source.name(), 0, 0, List.of(), inFlightBusy());
        } catch (LineReader.BodyException e) {
            badBodies.increment();
            return new LinesResult(
                    e.tooLarge() ? Status.TOO_LARGE : Status.BAD_BODY, source.name(), 0, 0, List.of(), e.getMessage());
        } catch (TooManyRecords e) {
            badBodies.increment();
            return new LinesResult(Status.TOO_LARGE, source.name(), 0, 0, List.of(), e.getMessage());
        }
        CompletableFuture<Void> ack = pipeline.offer(batch.events);
        lease.close(); // the events are the queue's now (or refused); their bytes leave the gate
        if (ack == null) {
            throttledRequests.increment();
            return new LinesResult(
                    Status.BUSY, source.name(), 0, 0, List.of(), "the intake pipeline is full; retry later");
        }
        if (!durable(ack)) {
            return new LinesResult(Status.UNAVAILABLE, source.name(), 0, 0, List.of(), NOT_DURABLE);
        }
        batch.commit();
        String note = named == null && !sourceName.equals(source.name())
                ? "no source named '" + clip(sourceName) + "'; events were attributed to " + source.name()
                : null;
        return new LinesResult(
                Status.ACCEPTED, source.name(), batch.events.size(), batch.rejectedCount(), errors, note);
    }

    // ------------------------------------------------------------------------------------------------ _bulk

    /** One {@code _bulk} item's outcome, in request order. */
    public record BulkItem(String action, String index, String id, int status, String errorType, String errorReason) {}

    /** The answer to a {@code _bulk} request. */
    public record BulkResult(Status status, List<BulkItem> items, String message) {}

    /**
     * Reads an Elasticsearch {@code _bulk} body: action lines ({@code index}/{@code create} followed by a document;
     * {@code update} followed by a partial document; {@code delete} alone). Documents of {@code index}/{@code create}
     * become events; Vigil is append-only, so {@code update} and {@code delete} items are refused per item (400), as
     * Elasticsearch refuses invalid items, while the rest of the request proceeds. A malformed action line makes the
     * whole request invalid (as in Elasticsearch: the following line cannot be interpreted).
     *
     * @param pathIndex the index in the path ({@code /{index}/_bulk}), default for items without {@code _index}
     * @param boundSource the source an ingest token is bound to (all items go there), or null
     */
    public BulkResult ingestBulk(String pathIndex, InputStream body, boolean gzip, String boundSource)
            throws IOException {
        return ingestBulk(pathIndex, body, gzip, boundSource, -1);
    }

    /** @param contentLength the body's declared length, or -1 (see {@link #ingestLines(String, InputStream, boolean, long)}) */
    public BulkResult ingestBulk(
            String pathIndex, InputStream body, boolean gzip, String boundSource, long contentLength)
            throws IOException {
        try (InFlightGate.Lease lease = gate.lease()) {
            return ingestBulk(pathIndex, body, gzip, boundSource, contentLength, lease);
        }
    }

    private BulkResult ingestBulk(
            String pathIndex,
            InputStream body,
            boolean gzip,
            String boundSource,
            long contentLength,
            InFlightGate.Lease lease)
            throws IOException {
        if (contentLength > 0 && !lease.ensure(contentLength)) {
            return new BulkResult(Status.BUSY, List.of(), inFlightBusy());
        }
        if (pipeline.isSaturated()) {
            throttledRequests.increment();
            return new BulkResult(Status.BUSY, List.of(), "the intake pipeline is full; retry later");
        }
        Instant now = clock.instant();
        CompiledSource bound = boundSource == null ? null : registry.byName(boundSource);
        PendingBatch batch = new PendingBatch();
        List<BulkItem> items = new ArrayList<>();
        RequestBudget budget = new RequestBudget(lease, contentLength);
        batch.budget = budget;
        BulkParser parser = new BulkParser(pathIndex, now, bound, batch, items);
        LineReader reader = new LineReader(limits.maxRecordBytes(), limits.maxBodyBytes());
        try {
            reader.read(body, gzip, parser, budget::decoded);
            parser.finish();
            budget.parsed(batch.estimatedBytes());
        } catch (InFlightGate.Full e) {
            return new BulkResult(Status.BUSY, List.of(), inFlightBusy());
        } catch (LineReader.BodyException e) {
            badBodies.increment();
            return new BulkResult(e.tooLarge() ? Status.TOO_LARGE : Status.BAD_BODY, List.of(), e.getMessage());
        } catch (BulkParser.MalformedAction e) {
            badBodies.increment();
            return new BulkResult(Status.BAD_BODY, List.of(), e.getMessage());
        } catch (TooManyRecords e) {
            badBodies.increment();
            return new BulkResult(Status.TOO_LARGE, List.of(), e.getMessage());
        }
        CompletableFuture<Void> ack = pipeline.offer(batch.events);
        lease.close();
        if (ack == null) {
            throttledRequests.increment();
            return new BulkResult(Status.BUSY, List.of(), "the intake pipeline is full; retry later");
        }
        if (!durable(ack)) {
            return new BulkResult(Status.UNAVAILABLE, List.of(), NOT_DURABLE);
        }
        batch.commit();
        return new BulkResult(Status.ACCEPTED, items, null);
    }

    /** The {@code _bulk} line protocol as a {@link LineReader.Sink}. */
    private final class BulkParser implements LineReader.Sink {
        static final class MalformedAction extends RuntimeException {
            private static final long serialVersionUID = 1L;

            MalformedAction(String message) {
                super(message, null, false, false);
            }
        }

        private final String pathIndex;
        private final Instant now;
        private final CompiledSource bound;
        private final PendingBatch batch;
        private final List<BulkItem> items;
        private final dev.vigil.server.normalize.LogParser json = dev.vigil.server.normalize.Parsers.create(
                dev.vigil.server.normalize.ParserSpec.of(dev.vigil.server.normalize.ParserKind.JSON));
        /** The action waiting for its document line, or null when the next line is an action. */
        private String action;

        private String index;
        private String id;
        private int actionLine;

        BulkParser(String pathIndex, Instant now, CompiledSource bound, PendingBatch batch, List<BulkItem> items) {
            this.pathIndex = pathIndex;
            this.now = now;
            this.bound = bound;
            this.batch = batch;
            this.items = items;
        }

        @Override
        public void line(int number, String text) {
            checkRoom(batch);
            if (action == null) {
                parseAction(number, text);
                return;
            }
            String a = action;
            action = null;
            CompiledSource source = sourceFor(index);
            if (a.equals("update")) {
                refuse(
                        source,
                        number,
                        a,
                        text,
                        400,
                        "action_request_validation_exception",
                        "Vigil is an append-only log intake: update is not supported");
                return;
            }
            if (index == null) {
                refuse(source, number, a, text, 400, "action_request_validation_exception", "index is missing");
                return;
            }
            try {
                Map<String, Object> fields = json.parse(text, now);
                batch.add(source, toEvent(source, null, now, text, fields));
                items.add(new BulkItem(a, index, id != null ? id : BulkIds.next(), 201, null, null));
            } catch (ParseException e) {
                refuse(source, number, a, text, 400, "document_parsing_exception", e.reason());
            } catch (RuntimeException e) {
                // rejected alone, not retryable (a 5xx item would be resent forever by Beats and Logstash)
                String reason = failures.failed(e, source.name(), "line " + number);
                refuse(source, number, a, text, 400, "document_processing_exception", reason);
            }
        }

        @Override
        public void invalid(int number, String reason, int size) {
            checkRoom(batch);
            if (action == null) {
                throw new MalformedAction("Malformed action/metadata line [" + number + "]: " + reason);
            }
            String a = action;
            action = null;
            refuse(sourceFor(index), number, a, "", 400, "document_parsing_exception", reason);
        }

        void finish() {
            if (action != null && !action.equals("delete")) {
                throw new MalformedAction("The bulk request must be terminated by a newline [\\n]; the " + action
                        + " action on line " + actionLine + " has no document");
            }
        }

        private void parseAction(int number, String text) {
            Map<String, Object> meta;
            try {
                meta = json.parse(text, now);
            } catch (ParseException e) {
                throw new MalformedAction("Malformed action/metadata line [" + number + "]: " + e.reason());
            } catch (RuntimeException e) {
                String reason = failures.failed(
                        e, bound != null ? bound.name() : Intake.BULK.defaultSourceName(), "line " + number);
                throw new MalformedAction("Malformed action/metadata line [" + number + "]: " + reason);
            }
            if (meta.size() != 1) {
                throw new MalformedAction("Malformed action/metadata line [" + number
                        + "], expected one action (index, create, update or delete)");
            }
            var entry = meta.entrySet().iterator().next();
            String a = entry.getKey();
            if (!a.equals("index") && !a.equals("create") && !a.equals("update") && !a.equals("delete")) {
                throw new MalformedAction(
                        "Malformed action/metadata line [" + number + "], unknown action [" + clip(a) + "]");
            }
            Map<?, ?> params = entry.getValue() instanceof Map<?, ?> m ? m : Map.of();
            index = params.get("_index") instanceof String s ? s : pathIndex;
            id = params.get("_id") instanceof String s ? s : null;
            actionLine = number;
            if (a.equals("delete")) {
                refuse(
                        sourceFor(index),
                        number,
                        a,
                        text,
                        400,
                        "action_request_validation_exception",
                        "Vigil is an append-only log intake: delete is not supported");
                return;
            }
            action = a;
        }

        private CompiledSource sourceFor(String index) {
            if (bound != null) {
                return bound;
            }
            return registry.resolve(Intake.BULK, new SourceMatcher.Attributes(null, null, null, index, null));
        }

        private void refuse(
                CompiledSource source, int line, String a, String text, int status, String type, String reason) {
            batch.reject(source, rejection(now, source, "line " + line, reason, text));
            items.add(new BulkItem(a, index, id, status, type, reason));
        }
    }

    // ------------------------------------------------------------------------------------------------ OTLP

    /** The answer to an OTLP export. */
    public record OtlpResult(Status status, int accepted, int rejected, String message) {}

    private static final tools.jackson.databind.ObjectMapper RAW_JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    /**
     * Decodes an OTLP/HTTP logs export (protobuf or JSON; the body already read and decompressed) and offers its
     * records as one batch. Records are attributed to {@code boundSource}, else by {@code service=} rules on
     * {@code service.name}, else to {@code default-otlp}; their service name becomes the application when the
     * source names none. A record larger than the record cap is rejected (partial success).
     */
    public OtlpResult ingestOtlp(byte[] body, boolean json, String boundSource) {
        try (InFlightGate.Lease lease = gate.lease()) {
            if (!lease.ensure(body.length)) {
                return new OtlpResult(Status.BUSY, 0, 0, inFlightBusy());
            }
            return ingestOtlp(body, json, boundSource, new RequestBudget(lease, body.length));
        }
    }

    /**
     * Reads the body (decompressing gzip, capped at {@code max-body-size}) under the in-flight gate, then as
     * {@link #ingestOtlp(byte[], boolean, String)}.
     *
     * @param contentLength the body's declared length, or -1 (reserved before reading)
     */
    public OtlpResult ingestOtlp(InputStream raw, boolean gzip, long contentLength, boolean json, String boundSource)
            throws IOException {
        try (InFlightGate.Lease lease = gate.lease()) {
            if (contentLength > 0 && !lease.ensure(contentLength)) {
                return new OtlpResult(Status.BUSY, 0, 0, inFlightBusy());
            }
            if (pipeline.isSaturated()) {
                throttledRequests.increment();
                return new OtlpResult(Status.BUSY, 0, 0, "the intake pipeline is full; retry later");
            }
            RequestBudget budget = new RequestBudget(lease, contentLength);
            byte[] body;
            try {
                body = Bodies.readAll(raw, gzip, limits.maxBodyBytes(), budget::decoded);
            } catch (InFlightGate.Full e) {
                return new OtlpResult(Status.BUSY, 0, 0, inFlightBusy());
            } catch (LineReader.BodyException e) {
                badBodies.increment();
                return new OtlpResult(e.tooLarge() ? Status.TOO_LARGE : Status.BAD_BODY, 0, 0, e.getMessage());
            }
            return ingestOtlp(body, json, boundSource, budget);
        }
    }

    private OtlpResult ingestOtlp(byte[] body, boolean json, String boundSource, RequestBudget budget) {
        if (pipeline.isSaturated()) {
            throttledRequests.increment();
            return new OtlpResult(Status.BUSY, 0, 0, "the intake pipeline is full; retry later");
        }
        List<OtlpLogsDecoder.Decoded> records;
        try {
            // charged to the gate record by record while decoding (each record's map repeats the resource's and
            // scope's attributes), and stopped at the pipeline's event budget rather than after decoding it all
            long maxRecords = pipeline.maxEvents();
            if (!json) {
                // protobuf-java materialises the whole request: count its records first, charge them, and refuse
                // beyond the event budget before any is built
                // (and the heap the parsed request will take: its messages, lists and strings, measured on the wire)
                OtlpLogsDecoder.Shape shape = OtlpLogsDecoder.protobufShape(body);
                if (shape != null && shape.records() > maxRecords) {
                    throw new TooManyRecords(maxRecords);
                }
                budget.decoding(shape == null ? 0 : shape.heap());
            }
            java.util.function.LongConsumer perRecord = cost -> {
                if (budget.records() >= maxRecords) {
                    throw new TooManyRecords(maxRecords);
                }
                budget.decodedRecord(cost);
            };
            records = json
                    ? OtlpLogsDecoder.decodeJson(body, perRecord)
                    : OtlpLogsDecoder.decodeProtobuf(body, perRecord);
        } catch (InFlightGate.Full e) {
            return new OtlpResult(Status.BUSY, 0, 0, inFlightBusy());
        } catch (TooManyRecords e) {
            badBodies.increment();
            return new OtlpResult(Status.TOO_LARGE, 0, 0, e.getMessage());
        } catch (OtlpLogsDecoder.InvalidBody e) {
            badBodies.increment();
            return new OtlpResult(Status.BAD_BODY, 0, 0, e.getMessage());
        }
        if (records.size() > pipeline.maxEvents()) {
            badBodies.increment();
            return new OtlpResult(Status.TOO_LARGE, 0, 0, new TooManyRecords(pipeline.maxEvents()).getMessage());
        }
        Instant now = clock.instant();
        CompiledSource bound = boundSource == null ? null : registry.byName(boundSource);
        PendingBatch batch = new PendingBatch();
        batch.budget = budget;
        String firstError = null;
        int n = 0;
        for (OtlpLogsDecoder.Decoded r : records) {
            n++;
            try {
                checkRoom(batch);
            } catch (InFlightGate.Full e) {
                return new OtlpResult(Status.BUSY, 0, 0, inFlightBusy());
            }
            CompiledSource source = bound != null
                    ? bound
                    : registry.resolve(Intake.OTLP, new SourceMatcher.Attributes(null, null, null, null, r.service()));
            if (r.invalid() != null) {
                batch.reject(source, rejection(now, source, "record " + n, r.invalid(), ""));
                if (firstError == null) {
                    firstError = "record " + n + ": " + r.invalid();
                }
                continue;
            }
            String raw;
            try {
                raw = RAW_JSON.writeValueAsString(r.fields());
            } catch (RuntimeException e) {
                String reason = failures.failed(e, source.name(), "record " + n);
                batch.reject(source, rejection(now, source, "record " + n, reason, ""));
                if (firstError == null) {
                    firstError = "record " + n + ": " + reason;
                }
                continue;
            }
            if (raw.length() > limits.maxRecordBytes()) {
                String reason = "log record of " + raw.length() + " characters exceeds the " + limits.maxRecordBytes()
                        + "-byte limit";
                batch.reject(source, rejection(now, source, "record " + n, reason, raw));
                if (firstError == null) {
                    firstError = "record " + n + ": " + reason;
                }
                continue;
            }
            try {
                batch.add(source, toEvent(source, r.service(), now, raw, r.fields()));
            } catch (ParseException e) {
                batch.reject(source, rejection(now, source, "record " + n, e.reason(), raw));
                if (firstError == null) {
                    firstError = "record " + n + ": " + e.reason();
                }
            } catch (RuntimeException e) {
                String reason = failures.failed(e, source.name(), "record " + n);
                batch.reject(source, rejection(now, source, "record " + n, reason, raw));
                if (firstError == null) {
                    firstError = "record " + n + ": " + reason;
                }
            }
        }
        try {
            budget.parsed(batch.estimatedBytes());
        } catch (InFlightGate.Full e) {
            return new OtlpResult(Status.BUSY, 0, 0, inFlightBusy());
        }
        CompletableFuture<Void> ack = pipeline.offer(batch.events);
        budget.release();
        if (ack == null) {
            throttledRequests.increment();
            return new OtlpResult(Status.BUSY, 0, 0, "the intake pipeline is full; retry later");
        }
        if (!durable(ack)) {
            return new OtlpResult(Status.UNAVAILABLE, 0, 0, NOT_DURABLE);
        }
        batch.commit();
        return new OtlpResult(Status.ACCEPTED, batch.events.size(), batch.rejectedCount(), firstError);
    }

    // ------------------------------------------------------------------------------------------------ replay

    private final LongAdder replayedForExercises = new LongAdder();

    @Override
    public boolean hasSource(String name) {
        return name != null && registry.byName(name) != null;
    }

    /** Events replayed for exercises since start. */
    public long exerciseEvents() {
        return replayedForExercises.sum();
    }

    @Override
    public Outcome replay(java.util.UUID exercise, List<Record> records, java.time.Duration shift)
            throws InterruptedException {
        Instant now = clock.instant();
        List<IngestedEvent> events = new ArrayList<>(records.size());
        List<String> errors = new ArrayList<>();
        int rejected = 0;
        Map<String, CompiledSource> fallbacks = new java.util.HashMap<>();
        for (Record r : records) {
            CompiledSource source = registry.byName(r.source());
            if (source == null && r.fallback() != null && r.fallback().name().equals(r.source())) {
                source = fallbacks.computeIfAbsent(
                        r.source(), n -> CompiledSource.compile(r.fallback(), new SourceCounters(clock)));
            }
            if (source == null) {
                rejected++;
                note(errors, "no source named '" + clip(String.valueOf(r.source())) + "'");
                continue;
            }
            Instant originally = r.receivedAt() == null ? now : r.receivedAt();
            try {
                IngestedEvent parsed =
                        toEvent(source, null, originally, r.raw(), replayFields(source, r.raw(), originally));
                dev.vigil.engine.event.Event e = parsed.event();
                Instant time = e.timestamp() != null ? e.timestamp() : originally;
                e = e.withTimestamp(time.plus(shift))
                        .withField(dev.vigil.server.normalize.ExerciseTag.FIELD, exercise.toString());
                events.add(new IngestedEvent(
                        dev.vigil.server.normalize.ExerciseTag.eventSource(exercise, source.name()),
                        parsed.application(),
                        now,
                        r.raw(),
                        e));
            } catch (ParseException e) {
                rejected++;
                note(errors, r.source() + ": " + e.reason());
            } catch (RuntimeException e) {
                rejected++;
                note(errors, r.source() + ": " + failures.failed(e, source.name(), "replay of an exercise"));
            }
        }
        if (!events.isEmpty()) {
            CompletableFuture<Void> ack;
            long backoff = 10;
            while ((ack = pipeline.offer(events)) == null) {
                // the pipeline is full: an exercise waits (live intake keeps priority), it never drops
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 500);
            }
            try {
                ack.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                throw new IllegalStateException(NOT_DURABLE, e);
            }
            replayedForExercises.add(events.size());
        }
        return new Outcome(events.size(), rejected, List.copyOf(errors));
    }

    private void note(List<String> errors, String reason) {
        if (errors.size() < limits.maxReportedErrors()) {
            errors.add(reason);
        }
    }

    /** The fields of a replayed record, read the way its source's intake reads it. */
    private static Map<String, Object> replayFields(CompiledSource source, String raw, Instant now)
            throws ParseException {
        if (raw == null) {
            throw new ParseException("the stored event has no raw record");
        }
        switch (source.def().intake()) {
            case SYSLOG -> {
                SyslogMessage msg = source.syslog().parse(raw, now);
                Map<String, Object> fields = msg.toFields();
                if (source.parser() != null) {
                    fields.putAll(source.parser().parse(msg.message(), now));
                }
                return fields;
            }
            case BULK -> {
                return dev.vigil.server.normalize.Parsers.create(
                                dev.vigil.server.normalize.ParserSpec.of(dev.vigil.server.normalize.ParserKind.JSON))
                        .parse(raw, now);
            }
            case OTLP -> {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = RAW_JSON.readValue(raw, java.util.LinkedHashMap.class);
                    return fields;
                } catch (RuntimeException e) {
                    throw new ParseException("not an OTLP record as stored: " + e.getMessage());
                }
            }
            default -> {
                return source.parser().parse(raw, now);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ shared

    /** Waits for the acknowledgement: true once the batch is durable, false when the store could not write it. */
    private boolean durable(CompletableFuture<Void> ack) {
        try {
            ack.join();
            return true;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            notDurableRequests.increment();
            return false;
        }
    }

    /** HTTP requests answered 503 because the event store could not make their events durable. */
    public long notDurableRequests() {
        return notDurableRequests.sum();
    }

    static Rejection rejection(Instant now, CompiledSource source, String location, String reason, String text) {
        String excerpt = text == null ? "" : text.length() <= 200 ? text : text.substring(0, 200) + "…";
        return new Rejection(now, source.name(), location, reason, excerpt);
    }

    static IngestedEvent toEvent(
            CompiledSource source, String application, Instant receivedAt, String raw, Map<String, Object> fields)
            throws ParseException {
        return source.normalizer().normalize(fields, raw, receivedAt, application);
    }

    static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    // ------------------------------------------------------------------------------------------------ activity

    @Override
    public Optional<SourceStats> stats(String sourceName) {
        SourceCounters c = registry.counters(sourceName);
        if (c == null) {
            return Optional.empty();
        }
        CompiledSource s = registry.byName(sourceName);
        return Optional.of(stats(sourceName, s == null ? null : s.def().application(), c));
    }

    @Override
    public List<SourceStats> all() {
        List<SourceStats> out = new ArrayList<>();
        registry.allCounters().forEach((name, c) -> {
            CompiledSource s = registry.byName(name);
            out.add(stats(name, s == null ? null : s.def().application(), c));
        });
        out.sort(java.util.Comparator.comparing(SourceStats::source));
        return out;
    }

    private static SourceStats stats(String name, String app, SourceCounters c) {
        long a = c.accepted.sum();
        long r = c.rejected.sum();
        long d = c.dropped.sum();
        return new SourceStats(name, app, a + r + d, a, r, d, c.lastSeen(), c.ratePerSecond());
    }

    @Override
    public List<Rejection> recentRejections(String sourceName) {
        SourceCounters c = registry.counters(sourceName);
        return c == null ? List.of() : c.recentRejections();
    }
}
