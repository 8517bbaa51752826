package dev.vigil.server.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.notify.DeliveryResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Notification channels cannot be pointed at the server's own host or the cloud metadata service: a target that
 * resolves to a link-local, any or multicast address is refused before any connection, always; loopback unless
 * {@code vigil.notify.allow-loopback} — a permanent failure naming the setting. With the setting, a loopback receiver
 * gets the call.
 */
class HttpSenderTargetTest {
    private static NotifyProperties properties(boolean allowLoopback) {
        return new NotifyProperties(
                8,
                Duration.ofSeconds(15),
                Duration.ofMinutes(10),
                Duration.ofSeconds(5),
                "vigil@localhost",
                allowLoopback);
    }

    @Test
    void refusesLoopbackLinkLocalAnyAndMulticastTargetsBeforeConnecting() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        receiver.createContext("/", ex -> {
            calls.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try {
            String local = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            HttpSender strict = new HttpSender(properties(false));
            for (String url : new String[] {
                local,
                "http://localhost:" + receiver.getAddress().getPort() + "/",
                "http://[::1]:9/",
                "http://169.254.169.254/latest/meta-data/",
                "http://[fe80::1]/",
                "http://0.0.0.0:9/",
                "http://224.0.0.1/"
            }) {
                DeliveryResult r = strict.postJson(url, "{}", Map.of());
                assertThat(r).as(url).isInstanceOf(DeliveryResult.Failed.class);
                DeliveryResult.Failed f = (DeliveryResult.Failed) r;
                assertThat(f.permanent()).as(url).isTrue();
                assertThat(f.reason()).as(url).startsWith("refused");
            }
            assertThat(((DeliveryResult.Failed) strict.postJson(local, "{}", Map.of())).reason())
                    .contains("vigil.notify.allow-loopback");
            assertThat(calls).as("no connection was made").hasValue(0);

            HttpSender relaxed = new HttpSender(properties(true));
            assertThat(relaxed.postJson(local, "{}", Map.of())).isInstanceOf(DeliveryResult.Delivered.class);
            assertThat(calls).hasValue(1);
            DeliveryResult metadata = relaxed.postJson("http://169.254.169.254/latest/meta-data/", "{}", Map.of());
            assertThat(((DeliveryResult.Failed) metadata).permanent())
                    .as("link-local stays refused")
                    .isTrue();
            assertThat(calls).hasValue(1);
        } finally {
            receiver.stop(0);
        }
    }
}
