package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.Layer;
import dev.vigil.server.oncall.Leave;
import dev.vigil.server.oncall.Rotation;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.ScheduleOverride;
import dev.vigil.server.oncall.Shift;
import dev.vigil.server.oncall.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Who is on call: the exact answer for one schedule at an instant, and its timeline over a period.
 *
 * <p>Semantics (in this order): an override covering the instant wins (the latest created, when several do). Else
 * the layers are tried by descending priority (equal priority: the earlier layer): a layer covers the instant when it
 * has started and not ended, the instant is inside one of its restriction windows (if it has any) and, for layers
 * that skip holidays, the local date is not a holiday. Its shift index {@code k} gives participant
 * {@code k mod n}; a swap covering the instant that replaces that participant substitutes its user; a participant on
 * leave makes the layer fall through to the next one. Nobody left is a gap.
 *
 * <p>Time arithmetic is java.time: calendar shift lengths (daily, weekly, {@code P3D}) are added to the local start
 * date-time and resolved in the schedule's zone with {@link ZonedDateTime#ofLocal} (a handoff inside a DST gap moves
 * forward by the gap; inside an overlap it takes the earlier offset), so handoffs keep their local time and a shift
 * across a DST change lasts 23 or 25 hours. Elapsed lengths (hourly, {@code PT12H}) are added to the start instant.
 * The timeline evaluates {@link #at} at every instant where anything can change (handoffs, window edges, midnights,
 * override and leave edges) and merges equal neighbours, so it agrees with {@link #at} by construction.
 *
 * <p>Immutable and thread-safe; build one per query with the schedule's current overrides and leave.
 */
final class ScheduleResolver {
    /** Longest period a timeline may cover (bounds the work of one request). */
    static final Duration MAX_RANGE = Duration.ofDays(400);

    private final Schedule schedule;
    private final ZoneId zone;
    private final Set<LocalDate> holidays;
    private final List<ScheduleOverride> overrides;
    private final List<Leave> leave;
    private final List<Layer> byPriority;

    ScheduleResolver(Schedule schedule, Set<LocalDate> holidays, List<ScheduleOverride> overrides, List<Leave> leave) {
        this.schedule = schedule;
        this.zone = schedule.timeZone();
        this.holidays = holidays == null ? Set.of() : Set.copyOf(holidays);
        this.overrides = overrides.stream()
                .sorted(Comparator.comparing(
                                ScheduleOverride::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                        .reversed())
                .toList();
        this.leave = List.copyOf(leave);
        List<Layer> layers = new ArrayList<>(schedule.layers());
        // stable sort: equal priorities keep their order in the schedule
        layers.sort(Comparator.comparingInt(Layer::priority).reversed());
        this.byPriority = List.copyOf(layers);
    }

    /** Who is on call at {@code t}: a one-instant shift whose user is null for a gap. */
    Shift at(Instant t) {
        for (ScheduleOverride o : overrides) {
            if (o.kind() == ScheduleOverride.Kind.OVERRIDE && o.covers(t)) {
                return new Shift(t, t, o.userId(), "override");
            }
        }
        LocalDateTime local = LocalDateTime.ofInstant(t, zone);
        for (Layer layer : byPriority) {
            UUID user = participant(layer, t, local);
            if (user == null) {
                continue;
            }
            String source = "layer:" + layer.name();
            for (ScheduleOverride o : overrides) {
                if (o.kind() == ScheduleOverride.Kind.SWAP && o.covers(t) && user.equals(o.replaces())) {
                    user = o.userId();
                    source = "swap";
                    break;
                }
            }
            if (onLeave(user, t)) {
                continue;
            }
            return new Shift(t, t, user, source);
        }
        return new Shift(t, t, null, "gap");
    }

    /** The final timeline over [from, to): consecutive shifts, gaps included, equal neighbours merged. */
    List<Shift> timeline(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("'to' must be after 'from'");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new IllegalArgumentException("a timeline covers at most " + MAX_RANGE.toDays() + " days");
        }
        TreeSet<Instant> edges = new TreeSet<>();
        edges.add(from);
        for (Layer layer : schedule.layers()) {
            layerEdges(layer, from, to, edges);
        }
        for (ScheduleOverride o : overrides) {
            edges.add(o.start());
            edges.add(o.end());
        }
        for (Leave l : leave) {
            edges.add(l.start());
            edges.add(l.end());
        }
        List<Shift> out = new ArrayList<>();
        Shift current = null;
        for (Instant edge : edges.subSet(from, true, to, false)) {
            Shift s = at(edge);
            if (current != null
                    && Objects.equals(current.userId(), s.userId())
                    && current.source().equals(s.source())) {
                continue;
            }
            if (current != null) {
                out.add(new Shift(current.start(), edge, current.userId(), current.source()));
            }
            current = new Shift(edge, edge, s.userId(), s.source());
        }
        out.add(new Shift(current.start(), to, current.userId(), current.source()));
        return out;
    }

    /** The periods in [from, to) with nobody on call. */
    List<Shift> gaps(Instant from, Instant to) {
        return timeline(from, to).stream().filter(s -> s.userId() == null).toList();
    }

    // --- layers

    private UUID participant(Layer layer, Instant t, LocalDateTime local) {
        Instant first = resolve(layer.start());
        if (t.isBefore(first)) {
            return null;
        }
        if (layer.end() != null && !t.isBefore(resolve(layer.end()))) {
            return null;
        }
        if (!layer.restrictions().isEmpty() && !TimeWindow.anyContains(layer.restrictions(), local)) {
            return null;
        }
        if (layer.skipHolidays() && holidays.contains(local.toLocalDate())) {
            return null;
        }
        long k = shiftIndex(layer, t);
        List<UUID> p = layer.participants();
        return p.get((int) Math.floorMod(k, (long) p.size()));
    }

    /** The index of the shift of {@code layer} that contains {@code t} (t at or after the layer's start). */
    long shiftIndex(Layer layer, Instant t) {
        Rotation.ShiftLength len = layer.rotation().shiftLength();
        if (!len.calendar()) {
            Instant first = resolve(layer.start());
            return Duration.between(first, t).toSeconds() / len.elapsed().toSeconds();
        }
        LocalDate startDate = layer.start().toLocalDate();
        long days = ChronoUnit.DAYS.between(
                startDate, LocalDateTime.ofInstant(t, zone).toLocalDate());
        long k = Math.floorDiv(days, len.days());
        while (k > 0 && shiftStart(layer, k).isAfter(t)) {
            k--;
        }
        while (!shiftStart(layer, k + 1).isAfter(t)) {
            k++;
        }
        return k;
    }

    /** The instant shift {@code k} of {@code layer} starts. */
    Instant shiftStart(Layer layer, long k) {
        Rotation.ShiftLength len = layer.rotation().shiftLength();
        if (len.calendar()) {
            return resolve(layer.start().plusDays(len.days() * k));
        }
        return resolve(layer.start()).plus(len.elapsed().multipliedBy(k));
    }

    private void layerEdges(Layer layer, Instant from, Instant to, TreeSet<Instant> edges) {
        Instant first = resolve(layer.start());
        if (first.isAfter(from) && first.isBefore(to)) {
            edges.add(first);
        }
        if (layer.end() != null) {
            edges.add(resolve(layer.end()));
        }
        long k = first.isAfter(from) ? 0 : shiftIndex(layer, from);
        for (Instant s = shiftStart(layer, k); s.isBefore(to); s = shiftStart(layer, ++k)) {
            if (s.isAfter(from)) {
                edges.add(s);
            }
        }
        boolean windows = !layer.restrictions().isEmpty();
        if (windows || layer.skipHolidays()) {
            LocalDate d = LocalDateTime.ofInstant(from, zone).toLocalDate().minusDays(1);
            LocalDate last = LocalDateTime.ofInstant(to, zone).toLocalDate().plusDays(1);
            for (; !d.isAfter(last); d = d.plusDays(1)) {
                if (layer.skipHolidays()) {
                    edges.add(resolve(d.atStartOfDay()));
                }
                for (TimeWindow w : layer.restrictions()) {
                    LocalDateTime[] span = w.on(d);
                    if (span != null) {
                        edges.add(resolve(span[0]));
                        edges.add(resolve(span[1]));
                    }
                }
            }
        }
    }

    private boolean onLeave(UUID user, Instant t) {
        for (Leave l : leave) {
            if (l.userId().equals(user) && l.covers(t)) {
                return true;
            }
        }
        return false;
    }

    private Instant resolve(LocalDateTime local) {
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }
}
