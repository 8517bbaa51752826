package dev.vigil.server.ingest.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Request-body helpers: content encodings and whole-body reads with a cap (after decompression). */
final class Bodies {
    private Bodies() {}

    /**
     * Whether a {@code Content-Encoding} asks for gzip; {@code identity} or absent is plain.
     *
     * @throws IllegalArgumentException for encodings Vigil does not decode (answered 415)
     */
    static boolean gzip(String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return false;
        }
        String e = contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (e) {
            case "gzip", "x-gzip" -> true;
            case "identity" -> false;
            default -> throw new UnsupportedEncoding(contentEncoding);
        };
    }

    static final class UnsupportedEncoding extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnsupportedEncoding(String encoding) {
            super("unsupported Content-Encoding '" + encoding + "' (gzip or identity)");
        }
    }

    /** Reads the whole body (decompressing gzip), refusing more than {@code max} bytes. */
    static byte[] readAll(InputStream raw, boolean gzip, long max) throws IOException {
        return readAll(raw, gzip, max, total -> {});
    }

    /** As {@link #readAll(InputStream, boolean, long)}, telling {@code progress} the byte count after each read. */
    static byte[] readAll(InputStream raw, boolean gzip, long max, java.util.function.LongConsumer progress)
            throws IOException {
        InputStream in;
        try {
            in = gzip ? new GZIPInputStream(raw, 65536) : raw;
        } catch (ZipException | EOFException e) {
            throw new LineReader.BodyException("broken gzip body: " + message(e), false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[65536];
        long total = 0;
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (ZipException | EOFException e) {
                if (gzip) {
                    throw new LineReader.BodyException("broken gzip body: " + message(e), false);
                }
                throw e;
            }
            if (n < 0) {
                return out.toByteArray();
            }
            total += n;
            if (total > max) {
                throw new LineReader.BodyException(
                        "body exceeds the " + max + "-byte limit (after decompression)", true);
            }
            progress.accept(total);
            out.write(buf, 0, n);
        }
    }

    private static String message(IOException e) {
        if (e instanceof EOFException) {
            return "unexpected end of the compressed stream";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
