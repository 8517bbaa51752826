package dev.vigil.server.ingest.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits a syslog TCP/TLS byte stream into frames (RFC 6587): <em>octet counting</em> ({@code MSG-LEN SP MSG}) or
 * <em>non-transparent framing</em> (one message per line, LF-terminated, a trailing CR removed). The method is detected
 * per connection from its first byte: a digit means octet counting (a syslog message itself starts with {@code <}).
 *
 * <p>Frames over {@code maxFrame} bytes are skipped (octet counting: exactly MSG-LEN bytes; LF: up to the next LF)
 * and reported as {@link SyslogFrame.Invalid}, so one huge record neither grows memory nor desynchronizes the
 * stream. A malformed octet count cannot be resynchronized: it is reported and the connection closed. Output:
 * {@link SyslogFrame} objects (text decoded strictly as UTF-8).
 */
public final class SyslogFrameDecoder extends ByteToMessageDecoder {
    private static final int MAX_LENGTH_DIGITS = 10;

    private enum Mode {
        UNKNOWN,
        OCTET_COUNTING,
        LINES
    }

    private final int maxFrame;
    private final Utf8 utf8 = new Utf8();
    private Mode mode = Mode.UNKNOWN;
    /** Bytes still to skip of an oversize frame (octet counting), or -1 for "skip to next LF" (lines). */
    private long discarding;

    private long discardedSize;

    public SyslogFrameDecoder(int maxFrame) {
        this.maxFrame = maxFrame;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (discarding != 0) {
                if (!skip(in, out)) {
                    return;
                }
                continue;
            }
            if (mode == Mode.UNKNOWN) {
                byte first = in.getByte(in.readerIndex());
                mode = first >= '1' && first <= '9' ? Mode.OCTET_COUNTING : Mode.LINES;
            }
            int before = out.size();
            if (mode == Mode.OCTET_COUNTING) {
                decodeOctetCounted(ctx, in, out);
            } else {
                decodeLine(in, out);
            }
            if (out.size() == before && discarding == 0) {
                return; // need more bytes
            }
        }
    }

    /**
     * The peer closed: what is left after the complete frames is a last line without its LF (accepted, as rsyslog
     * does) or an octet-counted frame cut short (reported), never silently discarded.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!in.isReadable()) {
            return;
        }
        if (discarding != 0) {
            in.skipBytes(in.readableBytes()); // the rest of a frame already reported
            return;
        }
        int rest = in.readableBytes();
        if (mode == Mode.LINES) {
            int textLength = in.getByte(in.writerIndex() - 1) == '\r' ? rest - 1 : rest;
            if (textLength == 0) {
                in.skipBytes(rest);
            } else if (textLength > maxFrame) {
                in.skipBytes(rest);
                out.add(new SyslogFrame.Invalid("line exceeds the " + maxFrame + "-byte limit", rest));
            } else {
                emit(in, textLength, rest, out);
            }
            return;
        }
        String header = in.toString(in.readerIndex(), Math.min(rest, MAX_LENGTH_DIGITS + 1), StandardCharsets.US_ASCII);
        int sp = header.indexOf(' ');
        in.skipBytes(rest);
        out.add(new SyslogFrame.Invalid(
                sp > 0
                        ? "octet-counting frame truncated: the connection closed after " + (rest - sp - 1) + " of "
                                + header.substring(0, sp) + " bytes"
                        : "octet-counting frame truncated: the connection closed inside MSG-LEN",
                rest));
    }

    private void decodeOctetCounted(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // Tolerate stray line breaks between frames (some senders add them).
        while (in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b != '\n' && b != '\r' && b != 0) {
                break;
            }
            in.skipBytes(1);
        }
        if (!in.isReadable()) {
            return;
        }
        int start = in.readerIndex();
        int limit = Math.min(in.writerIndex(), start + MAX_LENGTH_DIGITS + 1);
        long length = 0;
        int i = start;
        for (; i < limit; i++) {
            byte b = in.getByte(i);
            if (b == ' ') {
                break;
            }
            if (b < '0' || b > '9') {
                fatal(
                        ctx,
                        in,
                        out,
                        "octet-counting frame: expected MSG-LEN digits then SP, found byte 0x"
                                + Integer.toHexString(b & 0xff) + " at offset " + (i - start));
                return;
            }
            length = length * 10 + (b - '0');
        }
        if (i == limit) {
            if (limit - start > MAX_LENGTH_DIGITS) {
                fatal(ctx, in, out, "octet-counting frame: MSG-LEN longer than " + MAX_LENGTH_DIGITS + " digits");
            }
            return; // need more bytes
        }
        if (i == start || length == 0) {
            fatal(ctx, in, out, "octet-counting frame: MSG-LEN missing or zero");
            return;
        }
        int headerLength = i - start + 1;
        if (length > maxFrame) {
            in.skipBytes(headerLength);
            discarding = length;
            out.add(new SyslogFrame.Invalid(
                    "frame of " + length + " bytes exceeds the " + maxFrame + "-byte limit",
                    (int) Math.min(length, Integer.MAX_VALUE)));
            return;
        }
        if (in.readableBytes() < headerLength + length) {
            return;
        }
        in.skipBytes(headerLength);
        emit(in, (int) length, (int) length, out);
    }

    private void decodeLine(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int searchEnd = Math.min(in.writerIndex(), start + maxFrame + 2);
        int lf = in.indexOf(start, searchEnd, (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > maxFrame + 1) {
                discarding = -1;
                discardedSize = 0;
                out.add(new SyslogFrame.Invalid(
                        "line exceeds the " + maxFrame + "-byte limit (skipped to the next LF)", maxFrame));
            }
            return;
        }
        int length = lf - start;
        int textLength = length > 0 && in.getByte(lf - 1) == '\r' ? length - 1 : length;
        if (textLength == 0) {
            in.skipBytes(length + 1); // empty line: nothing to report
            out.add(Skip.INSTANCE);
            return;
        }
        if (textLength > maxFrame) { // found within the search window, but one byte over (no CR before the LF)
            in.skipBytes(length + 1);
            out.add(new SyslogFrame.Invalid(
                    "line of " + textLength + " bytes exceeds the " + maxFrame + "-byte limit", textLength));
            return;
        }
        emit(in, textLength, length + 1, out);
    }

    private void emit(ByteBuf in, int textLength, int consumed, List<Object> out) {
        String text = utf8.decode(in.nioBuffer(in.readerIndex(), textLength));
        in.skipBytes(consumed);
        out.add(
                text == null
                        ? new SyslogFrame.Invalid(utf8.lastError(), textLength)
                        : new SyslogFrame.Text(text, textLength));
    }

    /** Skips oversize bytes; true when done skipping. */
    private boolean skip(ByteBuf in, List<Object> out) {
        if (discarding > 0) {
            int n = (int) Math.min(discarding, in.readableBytes());
            in.skipBytes(n);
            discarding -= n;
            return discarding == 0;
        }
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            discardedSize += in.readableBytes();
            in.skipBytes(in.readableBytes());
            return false;
        }
        in.readerIndex(lf + 1);
        discarding = 0;
        return true;
    }

    private void fatal(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, String reason) {
        out.add(new SyslogFrame.Invalid(reason + "; connection closed (framing lost)", in.readableBytes()));
        in.skipBytes(in.readableBytes());
        discarding = Long.MAX_VALUE; // swallow anything still arriving until the close completes
        ctx.channel().eventLoop().execute(ctx::close);
    }

    /** Marker for "a frame was consumed but there is nothing to report" (empty line); dropped by the handler. */
    enum Skip {
        INSTANCE
    }
}
