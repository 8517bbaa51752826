package dev.vigil.server.ingest.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Per TCP/TLS connection: collects the frames of one read and submits them when the read completes. When the
 * pipeline is full the frames are kept, {@code autoRead} is switched off (the kernel's receive window then pushes back
 * on the sender, as TCP intends) and reading resumes once the pipeline has drained. So nothing is dropped on a stream
 * transport; the sender slows down instead.
 */
final class SyslogStreamHandler extends ChannelInboundHandlerAdapter {
    /** Submit before the read completes when a single read holds this many frames (bounds the pending list). */
    private static final int MAX_PENDING = 2048;

    private final SyslogIntake intake;
    private final SyslogIntake.Transport transport;
    private List<SyslogFrame> pending = new ArrayList<>();
    private boolean paused;

    SyslogStreamHandler(SyslogIntake intake, SyslogIntake.Transport transport) {
        this.intake = intake;
        this.transport = transport;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof SyslogFrame frame) {
            pending.add(frame);
            if (pending.size() >= MAX_PENDING && !paused) {
                flush(ctx);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!paused) {
            flush(ctx);
        }
        ctx.fireChannelReadComplete();
    }

    private void flush(ChannelHandlerContext ctx) {
        if (pending.isEmpty()) {
            return;
        }
        if (intake.submit(transport, sender(ctx), pending, true)) {
            pending = new ArrayList<>();
            return;
        }
        paused = true;
        ctx.channel().config().setAutoRead(false);
        intake.onDrained(() -> ctx.channel().eventLoop().execute(() -> resume(ctx)));
    }

    private void resume(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            submitOnClose(ctx);
            return;
        }
        if (intake.submit(transport, sender(ctx), pending, true)) {
            pending = new ArrayList<>();
            paused = false;
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        } else {
            intake.onDrained(() -> ctx.channel().eventLoop().execute(() -> resume(ctx)));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!paused) {
            submitOnClose(ctx);
        }
        ctx.fireChannelInactive();
    }

    /** The peer is gone and cannot be slowed down: submit what is left; if full, the intake counts it as dropped. */
    private void submitOnClose(ChannelHandlerContext ctx) {
        if (!pending.isEmpty()) {
            intake.submit(transport, sender(ctx), pending, false);
            pending = new ArrayList<>();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // TLS handshake failures, resets: the connection is closed; frames read so far are submitted on inactive.
        // A TLS failure (plaintext on the TLS port, a certificate the sender refuses) loses what the sender sent:
        // reported as an invalid frame so that it is counted and visible, never silently dropped.
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException tls) {
            pending.add(new SyslogFrame.Invalid(
                    "TLS connection failed, received data was not decrypted: " + tls.getMessage(), 0));
        }
        ctx.close();
    }

    private static InetSocketAddress sender(ChannelHandlerContext ctx) {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }
}
