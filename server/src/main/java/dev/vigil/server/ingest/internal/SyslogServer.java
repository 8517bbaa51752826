package dev.vigil.server.ingest.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The syslog listeners: UDP, TCP (octet counting or LF framing, detected per connection) and TLS (RFC 5425), each
 * on its own port, all on one small Netty event-loop group. Concurrent stream connections are capped (further
 * connections are closed at once), and so are frame sizes, so memory stays bounded whatever senders do.
 */
public final class SyslogServer implements AutoCloseable {
    /**
     * @param udpPort, tcpPort, tlsPort a port, 0 for an ephemeral one (tests), negative to disable that listener
     * @param tlsCertificate, tlsPrivateKey PEM files; null to create/reuse a self-signed pair in {@code tlsDir}
     */
    public record Config(
            String bindAddress,
            int udpPort,
            int tcpPort,
            int tlsPort,
            int maxFrameBytes,
            int maxConnections,
            Path tlsCertificate,
            Path tlsPrivateKey,
            Path tlsDir) {}

    private final Config config;
    private final SyslogIntake intake;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger refusedConnections = new AtomicInteger();
    private final List<Channel> channels = new ArrayList<>();
    private EventLoopGroup group;
    private int udpPort = -1;
    private int tcpPort = -1;
    private int tlsPort = -1;

    public SyslogServer(Config config, SyslogIntake intake) {
        this.config = config;
        this.intake = intake;
    }

    public synchronized void start() throws IOException, InterruptedException {
        group = new MultiThreadIoEventLoopGroup(
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())), NioIoHandler.newFactory());
        try {
            if (config.udpPort() >= 0) {
                Channel ch = new Bootstrap()
                        .group(group)
                        .channel(NioDatagramChannel.class)
                        .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                        .handler(new SyslogDatagramHandler(intake, config.maxFrameBytes()))
                        .bind(config.bindAddress(), config.udpPort())
                        .sync()
                        .channel();
                channels.add(ch);
                udpPort = ((InetSocketAddress) ch.localAddress()).getPort();
            }
            if (config.tcpPort() >= 0) {
                Channel ch = stream(config.tcpPort(), null, SyslogIntake.Transport.TCP);
                tcpPort = ((InetSocketAddress) ch.localAddress()).getPort();
            }
            if (config.tlsPort() >= 0) {
                Path crt = config.tlsCertificate();
                Path key = config.tlsPrivateKey();
                if (crt == null || key == null) {
                    var generated = SelfSignedCertificate.ensure(config.tlsDir());
                    crt = generated.certificate();
                    key = generated.privateKey();
                }
                SslContext ssl =
                        SslContextBuilder.forServer(crt.toFile(), key.toFile()).build();
                Channel ch = stream(config.tlsPort(), ssl, SyslogIntake.Transport.TLS);
                tlsPort = ((InetSocketAddress) ch.localAddress()).getPort();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Channel stream(int port, SslContext ssl, SyslogIntake.Transport transport) throws InterruptedException {
        ChannelHandler limiter = new ConnectionLimiter();
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(limiter);
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new SyslogFrameDecoder(config.maxFrameBytes()));
                        ch.pipeline().addLast(new SyslogStreamHandler(intake, transport));
                    }
                })
                .bind(config.bindAddress(), port)
                .sync()
                .channel();
        channels.add(ch);
        return ch;
    }

    /** Caps concurrent stream connections across TCP and TLS. */
    @ChannelHandler.Sharable
    private final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (connections.incrementAndGet() > config.maxConnections()) {
                refusedConnections.incrementAndGet();
                ctx.close();
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connections.decrementAndGet();
            ctx.fireChannelInactive();
        }
    }

    public int udpPort() {
        return udpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    public int openConnections() {
        return Math.max(0, connections.get());
    }

    public int refusedConnections() {
        return refusedConnections.get();
    }

    @Override
    public synchronized void close() {
        for (Channel ch : channels) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        channels.clear();
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            group = null;
        }
    }
}
