package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Netty listeners with the real util-linux {@code logger} and a JDK TLS client; intake is a recording double. */
class SyslogServerTest {
    @TempDir
    static Path dir;

    static final RecordingIntake intake = new RecordingIntake();
    static SyslogServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new SyslogServer(
                new SyslogServer.Config("127.0.0.1", 0, 0, 0, 4096, 64, null, null, dir.resolve("tls")), intake);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void receivesRfc5424OverUdpFromLogger() throws Exception {
        String marker = "udp-" + System.nanoTime();
        logger("--rfc5424", "--udp", "-P", server.udpPort(), "-t", "app1", "--msgid", "M1", "hello " + marker);
        var f = intake.await(marker);
        assertThat(f.transport).isEqualTo(SyslogIntake.Transport.UDP);
        assertThat(f.text)
                .startsWith("<13>1 ")
                .contains(" app1 ")
                .contains(" M1 ")
                .endsWith("hello " + marker);
    }

    @Test
    void receivesRfc3164OverTcpWithLfFramingFromLogger() throws Exception {
        String marker = "tcp-lf-" + System.nanoTime();
        logger("--rfc3164", "--tcp", "-P", server.tcpPort(), "-p", "auth.warning", "-t", "sshd", marker);
        var f = intake.await(marker);
        assertThat(f.transport).isEqualTo(SyslogIntake.Transport.TCP);
        assertThat(f.text).startsWith("<36>").contains("sshd").endsWith(marker);
    }

    @Test
    void receivesOctetCountedFramesOverTcpFromLogger() throws Exception {
        String marker = "tcp-oc-" + System.nanoTime();
        logger("--rfc5424", "--tcp", "--octet-count", "-P", server.tcpPort(), marker + " with\ttab");
        var f = intake.await(marker);
        assertThat(f.text).startsWith("<13>1 ").endsWith(marker + " with\ttab");
    }

    @Test
    void receivesOverTlsWithTheGeneratedCertificate() throws Exception {
        var cf = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(dir.resolve("tls/syslog-tls.crt"))) {
            trust.setCertificateEntry("vigil", cf.generateCertificate(in));
        }
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        String marker = "tls-" + System.nanoTime();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", server.tlsPort())) {
            s.startHandshake();
            String msg = "<14>1 2025-11-22T15:08:00Z h app - - - " + marker;
            byte[] b = msg.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write((b.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            var f = intake.await(marker);
            assertThat(f.transport).isEqualTo(SyslogIntake.Transport.TLS);
        }
    }

    @Test
    void oversizeLinesAndInvalidUtf8AreReportedAndTheConnectionKeepsWorking() throws Exception {
        String marker = "after-bad-" + System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("<13>" + "x".repeat(10_000) + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {'<', '1', '3', '>', 'b', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
            out.write(("<13>ok " + marker + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var f = intake.await(marker);
            assertThat(f.text).isEqualTo("<13>ok " + marker);
        }
        assertThat(intake.invalidReasons()).anyMatch(r -> r.contains("exceeds the 4096-byte limit"));
        assertThat(intake.invalidReasons()).anyMatch(r -> r.equals("invalid UTF-8 at byte 8"));
    }

    @Test
    void lineOneByteOverTheLimitIsRefused() throws Exception {
        String marker = "after-4097-" + System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("<13>" + "z".repeat(4093) + "\n").getBytes(StandardCharsets.US_ASCII)); // 4097 bytes
            out.write(("<13>" + marker + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            intake.await(marker);
        }
        assertThat(intake.seen).noneMatch(g -> g.text.startsWith("<13>zzz"));
        assertThat(intake.invalidReasons()).contains("line of 4097 bytes exceeds the 4096-byte limit");
    }

    @Test
    void oversizeOctetCountedFrameIsSkippedExactly() throws Exception {
        String marker = "after-big-" + System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            OutputStream out = s.getOutputStream();
            String big = "<13>" + "y".repeat(5000);
            String ok = "<13>" + marker;
            out.write((big.length() + " " + big + ok.length() + " " + ok).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            intake.await(marker);
        }
        assertThat(intake.invalidReasons()).anyMatch(r -> r.startsWith("frame of 5004 bytes exceeds"));
    }

    @Test
    void brokenOctetCountClosesOnlyThatConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            s.getOutputStream().write("12x <13>oops".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server
        }
        assertThat(intake.invalidReasons()).anyMatch(r -> r.contains("framing lost"));
        String marker = "still-serving-" + System.nanoTime();
        logger("--rfc5424", "--tcp", "--octet-count", "-P", server.tcpPort(), marker);
        intake.await(marker);
    }

    @Test
    void plaintextOnTheTlsPortIsReportedNotSilentlyDropped() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.tlsPort())) {
            s.getOutputStream().write("<13>sent in the clear\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            while (s.getInputStream().read() >= 0) {
                // until the server closes
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && intake.invalidReasons().stream().noneMatch(r -> r.startsWith("TLS"))) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(intake.invalidReasons())
                .anyMatch(r -> r.startsWith("TLS connection failed, received data was not decrypted: "));
    }

    @Test
    void lastLineWithoutLfIsReceivedWhenTheSenderCloses() throws Exception {
        String marker = "no-trailing-lf-" + System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            s.getOutputStream().write(("<13>first\n<13>" + marker).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        assertThat(intake.await(marker).text).isEqualTo("<13>" + marker);
    }

    @Test
    void octetCountedFrameTruncatedByTheCloseIsReported() throws Exception {
        String marker = "truncated-" + System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            s.getOutputStream().write(("200 <13>" + marker).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline
                && intake.invalidReasons().stream().noneMatch(r -> r.contains("truncated"))) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(intake.invalidReasons())
                .anyMatch(r -> r.equals("octet-counting frame truncated: the connection closed after "
                        + ("<13>" + marker).length() + " of 200 bytes"));
    }

    @Test
    void anIntakeFailureOnOneDatagramDoesNotStopTheUdpListener() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] poison = "<13>poison-intake".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(poison, poison.length, InetAddress.getLoopbackAddress(), server.udpPort()));
        }
        assertThat(intake.thrown.await(20, TimeUnit.SECONDS)).isTrue();
        String marker = "udp-after-failure-" + System.nanoTime();
        logger("--rfc3164", "--udp", "-P", server.udpPort(), marker);
        intake.await(marker);
    }

    @Test
    void udpGarbageIsReportedNotFatal() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] bad = {(byte) 0xFF, (byte) 0xFE, 'x'};
            s.send(new DatagramPacket(bad, bad.length, InetAddress.getLoopbackAddress(), server.udpPort()));
        }
        String marker = "udp-after-garbage-" + System.nanoTime();
        logger("--rfc3164", "--udp", "-P", server.udpPort(), marker);
        intake.await(marker);
        assertThat(intake.invalidReasons()).anyMatch(r -> r.equals("invalid UTF-8 at byte 0"));
    }

    @Test
    void fullPipelineStopsTcpReadingAndResumesWithoutLoss() throws Exception {
        String marker = "bp-" + System.nanoTime();
        intake.full.set(true);
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 50; i++) {
                out.write(("<13>" + marker + "-" + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            assertThat(intake.refusals.get() > 0 || waitForRefusal()).isTrue();
            intake.full.set(false);
            intake.drain();
            for (int i = 0; i < 50; i++) {
                intake.await(marker + "-" + i);
            }
        }
    }

    private static boolean waitForRefusal() throws InterruptedException {
        for (int i = 0; i < 1000 && intake.refusals.get() == 0; i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return intake.refusals.get() > 0;
    }

    static void logger(Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("logger", "-n", "127.0.0.1"));
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("logger: " + out).isZero();
    }

    record Got(SyslogIntake.Transport transport, InetSocketAddress sender, String text) {}

    /** Records frames; can pretend the pipeline is full. */
    static final class RecordingIntake implements SyslogIntake {
        final BlockingQueue<Got> texts = new LinkedBlockingQueue<>();
        final List<String> invalid = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicBoolean full = new AtomicBoolean();
        final AtomicInteger refusals = new AtomicInteger();
        final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Got> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch thrown = new java.util.concurrent.CountDownLatch(1);

        @Override
        public boolean submit(
                Transport transport, InetSocketAddress sender, List<SyslogFrame> frames, boolean canWait) {
            if (full.get()) {
                refusals.incrementAndGet();
                return false;
            }
            if (frames.stream()
                    .anyMatch(f -> f instanceof SyslogFrame.Text t && t.text().contains("poison-intake"))) {
                thrown.countDown();
                throw new IllegalStateException("intake failure (test)");
            }
            for (SyslogFrame f : frames) {
                switch (f) {
                    case SyslogFrame.Text t -> texts.add(new Got(transport, sender, t.text()));
                    case SyslogFrame.Invalid i -> invalid.add(i.reason());
                }
            }
            return true;
        }

        @Override
        public void onDrained(Runnable listener) {
            if (full.get()) {
                listeners.add(listener);
            } else {
                listener.run();
            }
        }

        void drain() {
            for (Runnable r : listeners) {
                listeners.remove(r);
                r.run();
            }
        }

        Got await(String marker) throws InterruptedException {
            for (Got g : seen) {
                if (g.text.contains(marker)) {
                    return g;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                Got g = texts.poll(100, TimeUnit.MILLISECONDS);
                if (g != null) {
                    seen.add(g);
                    if (g.text.contains(marker)) {
                        return g;
                    }
                }
            }
            throw new AssertionError("not received: " + marker + "; invalid so far: " + invalid);
        }

        List<String> invalidReasons() {
            return invalid;
        }
    }
}
