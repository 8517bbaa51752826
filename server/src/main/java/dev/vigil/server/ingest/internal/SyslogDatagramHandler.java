package dev.vigil.server.ingest.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * UDP: one message per datagram (RFC 5426; a trailing LF/NUL is removed). Datagrams of one read burst are submitted
 * per sender; UDP cannot push back, so when the pipeline is full the intake counts them as dropped.
 */
final class SyslogDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyslogDatagramHandler.class);
    private final SyslogIntake intake;
    private final int maxFrame;
    private final Utf8 utf8 = new Utf8();
    private final List<InetSocketAddress> senders = new ArrayList<>();
    private final List<List<SyslogFrame>> frames = new ArrayList<>();

    SyslogDatagramHandler(SyslogIntake intake, int maxFrame) {
        this.intake = intake;
        this.maxFrame = maxFrame;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf buf = packet.content();
        int len = buf.readableBytes();
        while (len > 0) {
            byte last = buf.getByte(buf.readerIndex() + len - 1);
            if (last != '\n' && last != '\r' && last != 0) {
                break;
            }
            len--;
        }
        SyslogFrame frame;
        if (len == 0) {
            frame = new SyslogFrame.Invalid("empty datagram", buf.readableBytes());
        } else if (len > maxFrame) {
            frame = new SyslogFrame.Invalid(
                    "datagram of " + len + " bytes exceeds the " + maxFrame + "-byte limit", len);
        } else {
            String text = utf8.decode(buf.nioBuffer(buf.readerIndex(), len));
            frame = text == null ? new SyslogFrame.Invalid(utf8.lastError(), len) : new SyslogFrame.Text(text, len);
        }
        InetSocketAddress sender = packet.sender();
        int idx = senders.indexOf(sender);
        if (idx < 0) {
            senders.add(sender);
            frames.add(new ArrayList<>());
            idx = senders.size() - 1;
        }
        frames.get(idx).add(frame);
        if (frames.get(idx).size() >= 1024) {
            flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        ctx.fireChannelReadComplete();
    }

    private void flush() {
        // detached first: a failing submit must not leave its frames here to fail every later flush (the listener
        // would stop delivering anything and grow without bound)
        List<InetSocketAddress> from = new ArrayList<>(senders);
        List<List<SyslogFrame>> batches = new ArrayList<>(frames);
        senders.clear();
        frames.clear();
        for (int i = 0; i < from.size(); i++) {
            if (!batches.get(i).isEmpty()) {
                try {
                    intake.submit(SyslogIntake.Transport.UDP, from.get(i), batches.get(i), false);
                } catch (RuntimeException e) {
                    LOG.error(
                            "syslog/UDP: {} datagrams from {} lost: the intake failed",
                            batches.get(i).size(),
                            from.get(i),
                            e);
                }
            }
        }
    }
}
