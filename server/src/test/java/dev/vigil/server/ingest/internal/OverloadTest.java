package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.ingest.SourceActivity;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.testing.VigilServerTest;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Acceptance 3: senders far faster than detection. Detection is made arbitrarily slow (a listener on the worker
 * blocks until released), the queue is small, and HTTP, TCP and UDP senders push several times what fits. Asserts
 * on counters and bounds only, never on timing: the queue never exceeds its budget (plus one admitted batch), HTTP
 * answers 429 with Retry-After (never 5xx), TCP loses nothing (the connection is paused, then drained), UDP drops are
 * counted, and every accepted event is delivered once detection catches up.
 */
@VigilServerTest
@TestPropertySource(
        properties = {"vigil.ingest.queue-events=2000", "vigil.ingest.queue-size=8MB", "vigil.ingest.workers=1"})
class OverloadTest {
    @LocalServerPort
    int port;

    @Autowired
    IngestPipeline pipeline;

    @Autowired
    SourceActivity activity;

    @Autowired
    IngestConfiguration.SyslogListeners syslog;

    @Test
    void floodIsRefusedWithBackpressureAndCountedNeverCrashing() throws Exception {
        Semaphore gate = new Semaphore(0);
        AtomicLong delivered = new AtomicLong();
        java.util.Set<String> tcpSeen = ConcurrentHashMap.newKeySet();
        Consumer<List<IngestedEvent>> slowDetection = batch -> {
            gate.acquireUninterruptibly();
            gate.release();
            delivered.addAndGet(batch.size());
            for (IngestedEvent e : batch) {
                if (e.raw().contains("tcp-flood-")) {
                    tcpSeen.add(e.raw().substring(e.raw().indexOf("tcp-flood-")));
                }
            }
        };
        pipeline.addListener(slowDetection);
        AtomicLong maxQueued = new AtomicLong();
        AtomicLong maxBytes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> sampler = pool.submit(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    maxQueued.accumulateAndGet(pipeline.queuedEvents(), Math::max);
                    maxBytes.accumulateAndGet(pipeline.queuedBytes(), Math::max);
                    try {
                        TimeUnit.MILLISECONDS.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            // HTTP: 3 senders x 20 requests x 500 lines = 30,000 events against a 2,000-event queue.
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger throttled = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            AtomicLong acceptedByHttp = new AtomicLong();
            String body = "{\"msg\":\"flood\",\"n\":1}\n".repeat(500);
            HttpClient http = HttpClient.newHttpClient();
            List<Future<?>> senders = new java.util.ArrayList<>();
            for (int s = 0; s < 3; s++) {
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ingest/flood"))
                                        .header("Authorization", "Bearer " + VigilServerTest.ADMIN_TOKEN)
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                            acceptedByHttp.addAndGet(500);
                        } else if (r.statusCode() == 429) {
                            assertThat(r.headers().firstValue("Retry-After")).contains("1");
                            throttled.incrementAndGet();
                        } else {
                            other.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : senders) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(other.get()).isZero();
            assertThat(throttled.get()).isPositive();

            // TCP: 5,000 lines while the pipeline is full; the connection is paused, nothing is lost.
            int tcpLines = 5000;
            Future<?> tcp = pool.submit(() -> {
                try (Socket socket = new Socket("127.0.0.1", syslog.server().tcpPort())) {
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < tcpLines; i++) {
                        out.write(("<13>Nov 22 10:00:00 h app: tcp-flood-" + i + "\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                }
                return null;
            });

            // UDP: 3,000 datagrams while full: dropped and counted.
            int udpSent = 3000;
            try (DatagramSocket udp = new DatagramSocket()) {
                for (int i = 0; i < udpSent; i++) {
                    byte[] b = ("<13>Nov 22 10:00:00 h udpflood: udp-flood-" + i).getBytes(StandardCharsets.US_ASCII);
                    udp.send(new DatagramPacket(
                            b,
                            b.length,
                            InetAddress.getLoopbackAddress(),
                            syslog.server().udpPort()));
                }
            }
            long droppedWhileFull = waitFor(
                    () -> activity.stats("default-syslog").map(s -> s.dropped()).orElse(0L) > 0);
            assertThat(droppedWhileFull).isPositive();
            assertThat(admin("/actuator/health")).isEqualTo(200); // still serving while saturated

            gate.release(); // detection catches up
            tcp.get(120, TimeUnit.SECONDS);
            waitFor(() -> tcpSeen.size() == tcpLines);
            waitFor(() -> pipeline.queuedEvents() == 0);
            sampler.cancel(true);

            // Bounded: never more than the budget plus one admitted batch (500 HTTP lines or one TCP read).
            assertThat(maxQueued.get()).isLessThanOrEqualTo(2000 + 2048);
            assertThat(maxBytes.get()).isLessThanOrEqualTo(8L * 1024 * 1024 + 2048L * 4096);
            assertThat(tcpSeen).hasSize(tcpLines);
            var flood = activity.stats("default-http").orElseThrow();
            assertThat(flood.accepted()).isGreaterThanOrEqualTo(acceptedByHttp.get());
            var sys = activity.stats("default-syslog").orElseThrow();
            assertThat(sys.accepted() + sys.dropped()).isLessThanOrEqualTo(tcpLines + udpSent);
            assertThat(sys.dropped()).isPositive();
            waitFor(() -> delivered.get() == pipeline.deliveredEvents());
            assertThat(pipeline.failedEvents()).isZero();
        } finally {
            gate.release(1000);
            pipeline.removeListener(slowDetection);
            pool.shutdownNow();
        }
    }

    private int admin(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + VigilServerTest.ADMIN_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static long waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return 1;
    }
}
