package dev.vigil.server.evidence;

import java.time.Instant;
import java.util.UUID;

/**
 * One link of an item's chain of custody (append-only: the database refuses updates and deletes).
 *
 * @param action {@code collected}, {@code accessed}, {@code downloaded}, {@code verified}, {@code integrity-failure},
 *     {@code transferred}, {@code returned}, {@code sealed}, {@code analysed}, {@code note}
 * @param location where the item is (the locker path, an evidence bag number, a lab)
 * @param sha256 the hash observed at this step, when one was computed
 */
public record CustodyEntry(
        long seq,
        UUID evidenceId,
        Instant at,
        String actor,
        String action,
        String location,
        String details,
        String sha256) {}
