package dev.vigil.server.events.internal;

import dev.vigil.server.platform.audit.AuditLog;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: removes every partition whose events are past their retention, whole. An event received on day
 * {@code D} by a source that keeps events for {@code R} days is kept at least until the end of day {@code D + R}
 * (UTC). The ledger first records that retention retired the partition and its batches (their digests stay, so the
 * chain remains verifiable across the gap), with an audit entry in the same transaction; then the directory is
 * deleted; a crash in between deletes it next time.
 */
final class RetentionJob {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final LuceneEventStore store;
    private final Path partitionsDir;
    private final Clock clock;
    private final AuditLog audit;

    /** @param audit where removals are recorded, or null (tests without the platform) */
    RetentionJob(LuceneEventStore store, Path partitionsDir, Clock clock, AuditLog audit) {
        this.store = store;
        this.partitionsDir = partitionsDir;
        this.clock = clock;
        this.audit = audit;
    }

    /** Removes expired partitions; returns their names. */
    synchronized List<String> run() throws IOException {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(partitionsDir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(partitionsDir)) {
                ds.forEach(p -> names.add(p.getFileName().toString()));
            }
        }
        for (String n : store.partitionNames()) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        java.util.Set<String> onDisk = new java.util.HashSet<>(names);
        for (JdbcLedger.PartitionRow p : store.ledger().partitions()) {
            if (p.retiredAt() == null && !names.contains(p.name())) {
                names.add(p.name()); // past retention but already gone: record it (verifications reported it)
            }
        }
        List<String> retired = new ArrayList<>();
        for (String name : names) {
            Object[] parsed = Partition.parse(name);
            if (parsed == null) {
                continue;
            }
            LocalDate day = (LocalDate) parsed[0];
            int days = (Integer) parsed[1];
            if (!day.plusDays(days).isBefore(today)) {
                continue;
            }
            String reason = "retention: " + days + " days"
                    + (onDisk.contains(name)
                            ? ""
                            : " (the partition was already missing; earlier verifications reported it)");
            store.ledger().retire(name, day, days, now, reason, () -> {
                if (audit != null) {
                    audit.record(
                            "retired",
                            "event_partition",
                            name,
                            java.util.Map.of("partition", name, "day", day.toString(), "retentionDays", days),
                            java.util.Map.of("reason", reason));
                }
            });
            store.drop(name);
            retired.add(name);
            log.info("retention removed partition {} (events received {} kept {} days)", name, day, days);
        }
        return retired;
    }
}
