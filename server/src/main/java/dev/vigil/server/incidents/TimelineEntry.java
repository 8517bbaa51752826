package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of an incident's war-room timeline. Automatic kinds: {@code alert}, {@code status}, {@code phase},
 * {@code change}, {@code task}, {@code playbook}, {@code obligation}, {@code deadline}, {@code submission},
 * {@code page}, {@code evidence}, {@code rca}, {@code merge}, {@code split}, {@code link}. Manual kinds:
 * {@code note}, {@code decision}, {@code communication} (with {@code audience}: who was told, and {@code channel}:
 * phone, e-mail, bridge, ...), {@code action}.
 *
 * @param at when it happened (manual entries may be back-dated; {@code createdAt} is when it was written down)
 */
public record TimelineEntry(
        UUID id,
        UUID incidentId,
        long seq,
        Instant at,
        String kind,
        boolean automatic,
        String summary,
        String details,
        String actor,
        String audience,
        String channel,
        Instant createdAt) {

    /** The kinds a person may write. */
    public static final java.util.Set<String> MANUAL_KINDS =
            java.util.Set.of("note", "decision", "communication", "action");
}
