package dev.vigil.server.platform.crypto;

import java.util.List;
import java.util.Map;

/**
 * The at-rest key rotation as the API ({@code /api/v1/system/secrets}), the web UI ({@code /admin/secrets}) and the
 * command line (through the API) see it: where the sealed values stand per key id, and re-sealing every one of them
 * with the current key. Only key ids cross this interface, never key material. Callers check the permissions
 * ({@code system_read} for {@link #status}, {@code system_write} for {@link #rotate}); a rotation is audited under
 * the current actor.
 */
public interface SecretKeyRotation {

    /** How the boxes of one column are sealed now: a count per key id, {@code legacy}, and {@code unreadable}. */
    record ColumnStatus(String table, String column, Map<String, Long> byKey, long unreadable) {}

    /**
     * The configured keys and where every sealed value stands.
     *
     * @param keyId the id of the current key (the one that seals)
     * @param previousKeyIds the ids of the keys that only open
     */
    record Status(String keyId, List<String> previousKeyIds, List<ColumnStatus> columns) {
        /** Sealed values per key id over all columns ({@code legacy}: the format without key id), in key id order. */
        public Map<String, Long> totalsByKey() {
            Map<String, Long> out = new java.util.TreeMap<>();
            columns.forEach(c -> c.byKey().forEach((k, n) -> out.merge(k, n, Long::sum)));
            return out;
        }

        /** Values that no configured key opens, over all columns. */
        public long unreadable() {
            return columns.stream().mapToLong(ColumnStatus::unreadable).sum();
        }

        /** True when every sealed value is under the current key: the previous keys may be removed. */
        public boolean complete() {
            return unreadable() == 0 && totalsByKey().keySet().stream().allMatch(keyId::equals);
        }
    }

    /**
     * What a rotation did to one column.
     *
     * @param resealed boxes re-sealed with the current key by this run
     * @param alreadyCurrent boxes that were under the current key (sealed since, or by an earlier, interrupted run)
     * @param unreadable boxes no configured key opens (left unchanged)
     * @param unreadableRows the keys of (the first few) unreadable rows
     */
    record ColumnResult(
            String table,
            String column,
            long resealed,
            long alreadyCurrent,
            long unreadable,
            List<String> unreadableRows) {}

    /**
     * A rotation's result.
     *
     * @param complete true when every stored box is now under the current key: the previous keys may be removed
     */
    record Result(
            String keyId, List<String> previousKeyIds, List<ColumnResult> columns, long resealed, boolean complete) {}

    /** Where every sealed value stands now (opens every value: the tables are small). */
    Status status();

    /** Re-seals every value not under the current key (batched, transactional, resumable, audited). */
    Result rotate();
}
