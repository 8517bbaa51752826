package dev.vigil.server.cli;

import dev.vigil.server.events.EventLoader;
import dev.vigil.server.events.StoreStatus;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.Normalizer;
import dev.vigil.server.normalize.ParseException;
import dev.vigil.server.normalize.ParserKind;
import dev.vigil.server.normalize.ParserSpec;
import dev.vigil.server.normalize.Parsers;
import dev.vigil.server.platform.LocalDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vigil events load --source NAME FILE...}: stores log records (one per line, parsed and normalized by the
 * configured source's parser and pipeline, as the HTTP intake does) in the event store of a data directory, without
 * the HTTP server and without Spring: importing history, or filling a store for the search benchmark
 * ({@code bench/event-store.sh}). The events take the store's intake path (write-ahead log with fsync, partitions,
 * batches sealed into the hash chain); they are not run through live detection (use a retro-hunt). The server must be
 * stopped (the store admits one process). Exit status: 0 all stored, 1 some lines refused (each counted, the first
 * reasons printed), 2 error.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = "Store log files in the event store of a data directory (server stopped; no detection).")
final class EventsLoadCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern RELATIVE = Pattern.compile("(?:now)?-(\\d{1,9})([smhd])");
    private static final int MAX_LINE_CHARS = 1 << 20; // the intake's default vigil.ingest.max-record-size (1MB)

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Data directory. Default: ./vigil-data or $VIGIL_DATA_DIR.")
    Path dataDir;

    @Option(
            names = "--source",
            required = true,
            paramLabel = "NAME",
            description = "A configured log source (its parser, pipeline, logsource and application apply).")
    String source;

    @Option(
            names = "--count",
            paramLabel = "N",
            description = "Store N events, reading the files again from the start as often as needed."
                    + " Default: every line once.")
    Long count;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "Spread the receive times evenly from TIME (ISO-8601, a date, now-10d) to --to."
                    + " Default: the time each batch is stored.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "End of the receive times (default now).")
    String to;

    @Option(
            names = "--retention-days",
            paramLabel = "DAYS",
            description = "Days kept when the source has no retention setting of its own (default ${DEFAULT-VALUE}).")
    int retentionDays = 90;

    @Option(names = "--batch", paramLabel = "N", description = "Events per batch (default ${DEFAULT-VALUE}).")
    int batch = 5000;

    @Option(names = "--threads", paramLabel = "N", description = "Indexing threads (default ${DEFAULT-VALUE}).")
    int threads = 2;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files with one record per line (.gz read as gzip).")
    List<Path> files;

    private long refused;
    private final List<String> reasons = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (batch < 1 || batch > 100_000) {
                throw new IllegalArgumentException("--batch must be 1..100000");
            }
            if (count != null && count < 1) {
                throw new IllegalArgumentException("--count must be at least 1");
            }
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("no file " + f);
                }
            }
            Instant now = Instant.now();
            Instant start = from == null ? null : time("--from", from, now);
            Instant end = to == null ? now : time("--to", to, now);
            if (start != null && !start.isBefore(end)) {
                throw new IllegalArgumentException("--from must be before --to");
            }
            if (start == null && to != null) {
                throw new IllegalArgumentException("--to needs --from");
            }
            Path dir = dataDir != null
                    ? dataDir
                    : Path.of(
                            Optional.ofNullable(System.getenv("VIGIL_DATA_DIR")).orElse("vigil-data"));
            long total = count != null ? count : start != null ? lines() : -1;
            try (LocalDatabase db = LocalDatabase.open(dir)) {
                Compiled src = compile(db.connection(), source);
                SingleConnectionDataSource ds = new SingleConnectionDataSource(db.connection(), true);
                long t0 = System.nanoTime();
                StoreStatus status;
                long stored;
                try (EventLoader loader = EventLoader.open(
                        dir.toAbsolutePath().normalize().resolve("events"), ds, retentionDays, threads)) {
                    stored = feed(loader, src, start, end, total, t0, err);
                    status = loader.finish();
                }
                double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
                out.printf(
                        "stored %d events from %s in %.1f s (%.0f events/s), %d lines refused%n",
                        stored, source, secs, stored / secs, refused);
                out.printf(
                        "store: %d events, last id %d, sealed through %d (chain head batch %d), %d index bytes"
                                + " (%.1f bytes/event), %d partitions%n",
                        status.events(),
                        status.lastId(),
                        status.sealedThrough(),
                        status.headBatch(),
                        status.indexBytes(),
                        status.indexBytes() / (double) Math.max(1, status.events()),
                        status.partitions().size());
                for (String r : reasons) {
                    err.println("  refused: " + r);
                }
                return refused > 0 ? 1 : 0;
            }
        } catch (IllegalArgumentException e) {
            err.println("vigil events load: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("vigil events load: " + e.getMessage());
            return 2;
        }
    }

    /** The source's parser and normalizer, as the intake compiles them. */
    record Compiled(LogParser parser, Normalizer normalizer) {}

    static Compiled compile(Connection c, String name) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select intake, parser, parser_options, pipeline, product,"
                + " category, service, application from log_sources where name = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no log source named '" + name + "' in this data directory;"
                            + " create it first (web UI, or POST /api/v1/sources)");
                }
                if (rs.getString("intake").equals("syslog")) {
                    throw new IllegalArgumentException("'" + name + "' is a syslog source: send its messages over"
                            + " syslog (this command reads one record per line for http, bulk, otlp and file sources)");
                }
                Map<String, String> options = JSON.readValue(
                        rs.getString("parser_options"), new TypeReference<LinkedHashMap<String, String>>() {});
                LogParser parser = Parsers.create(new ParserSpec(ParserKind.of(rs.getString("parser")), options));
                Normalizer n = new Normalizer(
                        name,
                        rs.getString("application"),
                        rs.getString("pipeline"),
                        rs.getString("product"),
                        rs.getString("category"),
                        rs.getString("service"));
                return new Compiled(parser, n);
            }
        }
    }

    private long feed(
            EventLoader loader, Compiled src, Instant start, Instant end, long total, long t0, PrintWriter err)
            throws IOException, InterruptedException {
        long stored = 0;
        long lastReport = System.nanoTime();
        List<IngestedEvent> pending = new ArrayList<>(batch);
        long span = start == null ? 0 : Duration.between(start, end).toNanos();
        while (true) {
            long before = stored;
            for (Path f : files) {
                try (BufferedReader r = reader(f)) {
                    String line;
                    long number = 0;
                    while ((line = r.readLine()) != null) {
                        number++;
                        if (total >= 0 && stored >= total) {
                            break;
                        }
                        if (line.isBlank()) {
                            continue;
                        }
                        Instant received = start == null
                                ? Instant.now()
                                : start.plusNanos((long) (span * (stored / (double) Math.max(1, total))));
                        if (line.length() > MAX_LINE_CHARS) {
                            refuse(f, number, "record of " + line.length() + " characters exceeds 1MB");
                            continue;
                        }
                        try {
                            Map<String, Object> fields = src.parser().parse(line, received);
                            pending.add(src.normalizer().normalize(fields, line, received, null));
                            stored++;
                        } catch (ParseException e) {
                            refuse(f, number, e.reason());
                            continue;
                        }
                        if (pending.size() >= batch) {
                            loader.load(pending);
                            pending = new ArrayList<>(batch);
                        }
                        if (System.nanoTime() - lastReport > 10_000_000_000L) {
                            lastReport = System.nanoTime();
                            double secs = (lastReport - t0) / 1e9;
                            err.printf(
                                    "  %d events stored (%.0f events/s)%s%n",
                                    loader.loaded(),
                                    loader.loaded() / secs,
                                    total > 0 ? " of %d".formatted(total) : "");
                            err.flush();
                        }
                    }
                }
            }
            if (total < 0 || stored >= total || stored == before) {
                break; // one pass, or done, or files without a storable line
            }
        }
        if (!pending.isEmpty()) {
            loader.load(pending);
        }
        return stored;
    }

    private void refuse(Path f, long line, String reason) {
        refused++;
        if (reasons.size() < 10) {
            reasons.add(f.getFileName() + " line " + line + ": " + reason);
        }
    }

    private long lines() throws IOException {
        long n = 0;
        for (Path f : files) {
            try (BufferedReader r = reader(f)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static BufferedReader reader(Path f) throws IOException {
        InputStream in = Files.newInputStream(f);
        if (f.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 65536);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    static Instant time(String option, String value, Instant now) {
        String v = value.strip();
        if (v.equals("now")) {
            return now;
        }
        Matcher m = RELATIVE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return now.minus(
                    switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
        }
        try {
            return v.length() == 10
                    ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    option + ": expected an ISO-8601 instant, a date, now or now-10d, not '" + v + "'");
        }
    }
}
