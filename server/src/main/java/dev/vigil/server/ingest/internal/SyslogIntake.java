package dev.vigil.server.ingest.internal;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where syslog receivers hand their frames: source matching, parsing, normalization, counting and the offer to the
 * pipeline. Called on Netty event-loop threads; must not block.
 */
public interface SyslogIntake {
    enum Transport {
        UDP,
        TCP,
        TLS
    }

    /**
     * Submits the frames of one read, all or nothing.
     *
     * @param canWait true for stream transports: on "full" the caller keeps the frames, stops reading and calls
     *     again after {@link #onDrained}; false for UDP: on "full" the intake counts the frames as dropped
     * @return true when taken (accepted or rejected and counted); false when the pipeline is full
     */
    boolean submit(Transport transport, InetSocketAddress sender, List<SyslogFrame> frames, boolean canWait);

    /** Runs {@code listener} once when the pipeline has room again. */
    void onDrained(Runnable listener);
}
