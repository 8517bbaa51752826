package dev.vigil.server.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress display on standard error, redrawn at most every 200 ms; silent when not a terminal. */
final class Progress {
    private static final long INTERVAL_NANOS = 200_000_000L;
    private final PrintWriter err;
    private final boolean enabled;
    private final int files;
    private long last;
    private boolean drawn;

    Progress(PrintWriter err, boolean enabled, int files) {
        this.err = err;
        this.enabled = enabled;
        this.files = files;
    }

    void update(String file, int fileIndex, long events, long bytes, long size, long detections) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - last < INTERVAL_NANOS) return;
        last = now;
        String pct = size > 0 ? String.format(Locale.ROOT, "%3d%% ", Math.min(100, bytes * 100 / size)) : "";
        String bar = "";
        if (size > 0) {
            int filled = (int) Math.min(20, bytes * 20 / size);
            bar = "[" + "#".repeat(filled) + " ".repeat(20 - filled) + "] ";
        }
        String name = file.length() > 40 ? "…" + file.substring(file.length() - 39) : file;
        err.print(String.format(
                Locale.ROOT,
                "\r%s%sfile %d/%d %s  %,d events  %,d detections\u001b[K",
                bar,
                pct,
                fileIndex + 1,
                files,
                Terminal.safe(name),
                events,
                detections));
        err.flush();
        drawn = true;
    }

    void clear() {
        if (enabled && drawn) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
