package dev.vigil.server.ingest.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body (NDJSON, {@code _bulk}, a log file) line by line without trusting it: gzip is decoded when
 * asked, the decoded size is capped (a gzip bomb stops at the cap), each line is capped (an oversize line is
 * reported and skipped to the next LF, never buffered whole), and each line is decoded as strict UTF-8. Empty lines
 * are skipped. Lines are numbered from 1 as a person counts them in an editor.
 */
public final class LineReader {
    /** Receives lines in order. */
    public interface Sink {
        void line(int number, String text);

        void invalid(int number, String reason, int size);
    }

    /** The body as a whole is unusable (broken gzip, over the size cap); lines before it were delivered. */
    public static final class BodyException extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean tooLarge;

        public BodyException(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        public boolean tooLarge() {
            return tooLarge;
        }
    }

    private final int maxLine;
    private final long maxBody;
    private final Utf8 utf8 = new Utf8();

    public LineReader(int maxLineBytes, long maxBodyBytes) {
        this.maxLine = maxLineBytes;
        this.maxBody = maxBodyBytes;
    }

    /**
     * Reads all lines; returns the decoded byte count.
     *
     * @throws BodyException for broken gzip or a body over the cap
     * @throws IOException when the client connection fails
     */
    public long read(InputStream raw, boolean gzip, Sink sink) throws IOException {
        return read(raw, gzip, sink, total -> {});
    }

    /**
     * As {@link #read(InputStream, boolean, Sink)}, telling {@code progress} the decoded byte count after each read
     * (before its lines are delivered); an exception it throws ends the read.
     */
    public long read(InputStream raw, boolean gzip, Sink sink, java.util.function.LongConsumer progress)
            throws IOException {
        InputStream in = raw;
        if (gzip) {
            try {
                in = new GZIPInputStream(raw, 65536);
            } catch (ZipException | EOFException e) {
                throw new BodyException("broken gzip body: " + reason(e), false);
            }
        }
        byte[] buf = new byte[65536];
        byte[] line = new byte[Math.min(8192, maxLine + 1)];
        int lineLen = 0;
        boolean discarding = false;
        int discarded = 0;
        int number = 1;
        long total = 0;
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (ZipException | EOFException e) {
                if (gzip) {
                    throw new BodyException("broken gzip body: " + reason(e), false);
                }
                throw e;
            }
            if (n < 0) {
                break;
            }
            total += n;
            if (total > maxBody) {
                throw new BodyException("body exceeds the " + maxBody + "-byte limit (after decompression)", true);
            }
            progress.accept(total);
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                if (discarding) {
                    sink.invalid(number, "line exceeds the " + maxLine + "-byte limit", discarded + i - start);
                    discarding = false;
                } else {
                    int chunk = i - start;
                    if (lineLen + chunk > maxLine) {
                        sink.invalid(number, "line exceeds the " + maxLine + "-byte limit", lineLen + chunk);
                    } else {
                        line = append(line, lineLen, buf, start, chunk);
                        lineLen += chunk;
                        emit(line, lineLen, number, sink);
                    }
                }
                lineLen = 0;
                number++;
                start = i + 1;
            }
            int rest = n - start;
            if (discarding) {
                discarded += rest;
            } else if (lineLen + rest > maxLine) {
                discarding = true;
                discarded = lineLen + rest;
                lineLen = 0;
            } else {
                line = append(line, lineLen, buf, start, rest);
                lineLen += rest;
            }
        }
        if (discarding) {
            sink.invalid(number, "line exceeds the " + maxLine + "-byte limit", discarded);
        } else if (lineLen > 0) {
            emit(line, lineLen, number, sink);
        }
        return total;
    }

    private void emit(byte[] line, int len, int number, Sink sink) {
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        boolean blank = true;
        for (int i = 0; i < len; i++) {
            if (line[i] != ' ' && line[i] != '\t') {
                blank = false;
                break;
            }
        }
        if (blank) {
            return;
        }
        String text = utf8.decode(line, 0, len);
        if (text == null) {
            sink.invalid(number, utf8.lastError(), len);
        } else {
            sink.line(number, text);
        }
    }

    private static byte[] append(byte[] line, int lineLen, byte[] src, int from, int count) {
        if (lineLen + count > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLen + count, line.length * 2));
        }
        System.arraycopy(src, from, line, lineLen, count);
        return line;
    }

    private static String reason(IOException e) {
        if (e instanceof EOFException) {
            return "unexpected end of the compressed stream";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
