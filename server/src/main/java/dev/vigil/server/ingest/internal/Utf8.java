package dev.vigil.server.ingest.internal;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: invalid sequences are an error naming the byte offset, never silently replaced with U+FFFD
 * (a replaced byte can hide an attack string from a rule). One instance per thread (decoders are stateful).
 */
public final class Utf8 {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** Decoded text, or null with {@link #lastError()} set. */
    public String decode(ByteBuffer in) {
        int start = in.position();
        boolean ascii = true;
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            byte[] b = new byte[in.remaining()];
            in.get(b);
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        decoder.reset();
        CharBuffer out = CharBuffer.allocate(in.remaining());
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            lastError = "invalid UTF-8 at byte " + (in.position() - start);
            return null;
        }
        r = decoder.flush(out);
        if (r.isError()) {
            lastError = "invalid UTF-8 at the end of the record";
            return null;
        }
        out.flip();
        return out.toString();
    }

    public String decode(ByteBuf buf) {
        return decode(buf.nioBuffer());
    }

    public String decode(byte[] bytes, int offset, int length) {
        return decode(ByteBuffer.wrap(bytes, offset, length));
    }

    private String lastError;

    public String lastError() {
        return lastError;
    }

    /** Throws on invalid input (for callers that prefer exceptions). */
    public static String decodeStrict(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
