package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.Intake;
import dev.vigil.server.ingest.LogSource;
import dev.vigil.server.normalize.ParserKind;
import dev.vigil.server.normalize.ParserSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled log sources, swapped atomically as a whole when the configuration changes (readers on the hot path
 * never lock). Resolves which source a record belongs to: by name (HTTP, files), or by the intake's match rules in
 * priority order (syslog, {@code _bulk}, OTLP). A record no source claims goes to the intake's built-in default source
 * ({@code default-syslog}, ...), which always exists, so unknown senders are visible and counted, never dropped.
 * Counters are kept by source name across reloads.
 */
public final class SourceRegistry {
    private record Snapshot(Map<String, CompiledSource> byName, Map<Intake, List<CompiledSource>> matching) {}

    private final InstantSource clock;
    private final Map<String, SourceCounters> counters = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;
    /** Applied to each compiled source (identity in production; tests inject faults through it). */
    private volatile java.util.function.UnaryOperator<CompiledSource> decorator = c -> c;

    public SourceRegistry(InstantSource clock) {
        this.clock = clock;
        apply(List.of());
    }

    /** The built-in default source of an intake, as it is before anyone edits it. */
    public static LogSource defaultSource(Intake intake, Instant now) {
        ParserKind kind = intake == Intake.SYSLOG ? ParserKind.SYSLOG : ParserKind.JSON;
        return new LogSource(
                UUID.nameUUIDFromBytes(intake.defaultSourceName().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                intake.defaultSourceName(),
                intake,
                ParserSpec.of(kind),
                null,
                null,
                null,
                null,
                null,
                List.of(),
                Integer.MAX_VALUE,
                true,
                true,
                now,
                now);
    }

    /**
     * Compiles and installs {@code sources} (missing built-in defaults are added). Throws {@link
     * IllegalArgumentException} naming the source when one does not compile; the previous set then stays in force.
     */
    public void apply(List<LogSource> sources) {
        Map<String, CompiledSource> byName = new HashMap<>();
        for (LogSource s : sources) {
            try {
                byName.put(s.name(), decorator.apply(CompiledSource.compile(s, countersFor(s.name()))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("source '" + s.name() + "': " + e.getMessage(), e);
            }
        }
        for (Intake intake : Intake.values()) {
            byName.computeIfAbsent(
                    intake.defaultSourceName(),
                    n -> CompiledSource.compile(defaultSource(intake, clock.instant()), countersFor(n)));
        }
        Map<Intake, List<CompiledSource>> matching = new EnumMap<>(Intake.class);
        for (Intake intake : Intake.values()) {
            List<CompiledSource> list = new ArrayList<>();
            for (CompiledSource c : byName.values()) {
                if (c.def().intake() == intake
                        && c.def().enabled()
                        && !c.def().builtin()
                        && !c.matcher().isEmpty()) {
                    list.add(c);
                }
            }
            list.sort(Comparator.comparingInt((CompiledSource c) -> c.def().priority())
                    .thenComparing(CompiledSource::name));
            matching.put(intake, List.copyOf(list));
        }
        snapshot = new Snapshot(Map.copyOf(byName), matching);
    }

    /**
     * Wraps every source compiled from now on (for tests: a source whose pipeline fails on a chosen record, to prove
     * that one failing record does not lose its neighbours). Identity by default.
     */
    void decorateWith(java.util.function.UnaryOperator<CompiledSource> decorator) {
        this.decorator = decorator;
    }

    /** Checks that a source compiles, without installing it. */
    public static void validate(LogSource s) {
        CompiledSource.compile(s, null);
    }

    private SourceCounters countersFor(String name) {
        return counters.computeIfAbsent(name, n -> new SourceCounters(clock));
    }

    /** The first enabled source of {@code intake} whose rules match, else the intake's default. */
    public CompiledSource resolve(Intake intake, SourceMatcher.Attributes attributes) {
        Snapshot s = snapshot;
        for (CompiledSource c : s.matching().get(intake)) {
            if (c.matcher().matches(attributes)) {
                return c;
            }
        }
        return s.byName().get(intake.defaultSourceName());
    }

    /** An enabled source by name, or null. */
    public CompiledSource byName(String name) {
        CompiledSource c = snapshot.byName().get(name);
        return c != null && c.def().enabled() ? c : null;
    }

    public CompiledSource defaultFor(Intake intake) {
        return snapshot.byName().get(intake.defaultSourceName());
    }

    public List<CompiledSource> all() {
        return List.copyOf(snapshot.byName().values());
    }

    /** Counters of a source name, including deleted sources that still have history. */
    public SourceCounters counters(String name) {
        return counters.get(name);
    }

    public Map<String, SourceCounters> allCounters() {
        return Map.copyOf(counters);
    }
}
