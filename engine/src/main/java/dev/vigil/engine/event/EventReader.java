package dev.vigil.engine.event;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads events from NDJSON, a JSON document, a JSON array, concatenated (pretty-printed) JSON objects, or gzip of
 * any of these (recognised by content, not by file name).
 *
 * <p>The reader splits the input into records before parsing, so one malformed record never loses the others:
 * {@link #next()} throws an {@link EventParseException} for it (with its line) and the following call continues with
 * the next record. When the first record fits on one line the input is NDJSON and every line is a record; otherwise
 * records are found by matching braces outside strings (a top-level array's elements are records). A record longer
 * than {@link #MAX_RECORD} bytes is skipped with an error, without being buffered.
 *
 * <p>Not thread-safe. {@link #line()} is the first line of the record that produced the last event or error.
 */
public final class EventReader implements Closeable {
    /** Largest record (one NDJSON line or one object) in bytes. */
    public static final int MAX_RECORD = 64 * 1024 * 1024;

    private enum Mode {
        UNDECIDED,
        LINES,
        SPLIT
    }

    private final InputStream in;
    private final String source;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private long bytesRead;
    private long lineNo = 1;

    private byte[] rec = new byte[8 * 1024];
    private int recLen;
    private Mode mode = Mode.UNDECIDED;
    private boolean inArray;
    private long recordLine;
    private long records;
    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private final List<Event> scratch = new ArrayList<>(4);

    private EventReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** Opens a file (gzip recognised by its magic bytes). */
    public static EventReader open(Path file) throws IOException {
        return of(Files.newInputStream(file), file.toString());
    }

    /** Reads from a stream (gzip recognised by its magic bytes); {@code source} names it in messages. */
    public static EventReader of(InputStream raw, String source) throws IOException {
        BufferedInputStream b = new BufferedInputStream(raw, 64 * 1024);
        b.mark(2);
        int m1 = b.read();
        int m2 = b.read();
        b.reset();
        InputStream in = (m1 == 0x1f && m2 == 0x8b) ? new GZIPInputStream(b, 64 * 1024) : b;
        return new EventReader(in, source);
    }

    public String source() {
        return source;
    }

    /** First line of the record behind the last event or error (1-based). */
    public long line() {
        return recordLine;
    }

    /** Records seen so far (an array on one NDJSON line is one record). */
    public long records() {
        return records;
    }

    /** Bytes consumed from the (decompressed) input. */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * The next event, or null at the end of input.
     *
     * @throws EventParseException for a malformed record; call again to continue with the next one
     * @throws IOException when reading fails
     */
    public Event next() throws IOException {
        if (!pending.isEmpty()) return pending.poll();
        while (true) {
            int status = readRecord();
            if (status < 0) return null;
            if (status == 0) continue; // nothing (blank line)
            records++;
            if (status == 2) {
                throw new EventParseException(
                        "record longer than " + (MAX_RECORD / (1024 * 1024)) + " MB; skipped", recordLine, -1, null);
            }
            scratch.clear();
            try {
                JsonEvents.parseRecord(rec, 0, recLen, recordLine, scratch);
            } catch (EventParseException e) {
                if (e.line() < 0) throw new EventParseException(e.reason(), recordLine, -1, e.getCause());
                throw e;
            }
            if (scratch.isEmpty()) continue;
            for (int i = 1; i < scratch.size(); i++) pending.add(scratch.get(i));
            return scratch.get(0);
        }
    }

    // ---- record splitting ----------------------------------------------------------------------------------------

    private int peek() throws IOException {
        if (pos == limit) {
            if (eof) return -1;
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                eof = true;
                return -1;
            }
            pos = 0;
            limit = n;
            bytesRead += n;
        }
        return buf[pos] & 0xFF;
    }

    private int read() throws IOException {
        int c = peek();
        if (c >= 0) {
            pos++;
            if (c == '\n') lineNo++;
        }
        return c;
    }

    private void append(int c) {
        if (recLen == rec.length) rec = Arrays.copyOf(rec, Math.min(MAX_RECORD, rec.length * 2));
        rec[recLen++] = (byte) c;
    }

    /** -1 EOF, 0 nothing, 1 record in rec, 2 oversized record skipped. */
    private int readRecord() throws IOException {
        recLen = 0;
        // skip whitespace (and a UTF-8 byte order mark), array punctuation in array mode
        int c;
        while (true) {
            c = peek();
            if (c < 0) return -1;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF || c == 0xBB || c == 0xBF) {
                read();
                if (mode == Mode.LINES && c == '\n') return 0;
                continue;
            }
            if (inArray && (c == ',' || c == ']')) {
                read();
                if (c == ']') inArray = false;
                continue;
            }
            break;
        }
        recordLine = lineNo;
        if (mode == Mode.LINES) return readLine();
        if (c == '[' && !inArray) {
            // a top-level array: its elements are the records (so a large array is never buffered whole)
            read();
            inArray = true;
            mode = Mode.SPLIT;
            return 0;
        }
        if (c != '{' && c != '[') {
            return readLine(); // not JSON here: the parser reports it; continue at the next line
        }
        long startLine = lineNo;
        int status = readBalanced();
        if (mode == Mode.UNDECIDED) {
            if (lineNo == startLine && c == '{') {
                mode = Mode.LINES;
                // the rest of this line belongs to the record (trailing garbage is an error for it)
                while ((c = peek()) >= 0 && c != '\n') {
                    read();
                    if (recLen < MAX_RECORD) append(c);
                }
            } else {
                mode = Mode.SPLIT;
            }
        }
        return status;
    }

    private int readLine() throws IOException {
        boolean oversized = false;
        int c;
        boolean any = false;
        while ((c = peek()) >= 0 && c != '\n') {
            read();
            if (recLen < MAX_RECORD) {
                append(c);
            } else {
                oversized = true;
            }
            if (c != ' ' && c != '\t' && c != '\r') any = true;
        }
        if (oversized) return 2;
        return any ? 1 : 0;
    }

    /** Reads one {...} or [...] value by matching brackets outside strings. */
    private int readBalanced() throws IOException {
        int depth = 0;
        boolean inString = false;
        boolean escape = false;
        boolean oversized = false;
        int c;
        while ((c = read()) >= 0) {
            if (recLen < MAX_RECORD) append(c);
            else oversized = true;
            if (inString) {
                if (escape) escape = false;
                else if (c == '\\') escape = true;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) break;
            }
        }
        return oversized ? 2 : 1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
