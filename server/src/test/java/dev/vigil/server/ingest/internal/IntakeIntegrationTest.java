package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.InfoResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Every intake path end to end through the running server, each with a real client: util-linux {@code logger}, the
 * official Elasticsearch Java client, the OpenTelemetry Java SDK's OTLP/HTTP exporter (and its JSON encoder), and
 * plain HTTP for NDJSON. "Delivered" means the pipeline handed the event to detection (observed with a listener).
 */
@VigilServerTest
class IntakeIntegrationTest {
    @LocalServerPort
    int port;

    @Autowired
    IngestPipeline pipeline;

    @Autowired
    IngestConfiguration.SyslogListeners syslog;

    final List<IngestedEvent> delivered = new CopyOnWriteArrayList<>();
    final Consumer<List<IngestedEvent>> listener = delivered::addAll;

    @BeforeEach
    void listen() {
        pipeline.addListener(listener);
    }

    @AfterEach
    void unlisten() {
        pipeline.removeListener(listener);
    }

    TestApi admin() {
        return TestApi.admin(port);
    }

    IngestedEvent awaitDelivered(Predicate<IngestedEvent> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (IngestedEvent e : delivered) {
                if (p.test(e)) {
                    return e;
                }
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("not delivered; got " + delivered.size() + " other events");
    }

    static Predicate<IngestedEvent> rawContains(String marker) {
        return e -> e.raw() != null && e.raw().contains(marker);
    }

    String createSource(String json) {
        var r = admin().postJson("/api/v1/sources", json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("token").get("token").asString();
    }

    // ------------------------------------------------------------------------------------------------ syslog

    @Test
    void syslogFromLoggerIsMatchedToItsSourceAndUnknownSendersLandInTheDefault() throws Exception {
        createSource("""
                {"name":"bastion-auth","intake":"syslog","parser":"syslog","application":"bastion",
                 "logsource":{"product":"linux","service":"auth"},"match":["app=sshd-it hostname=*"]}""");
        String marker = "it-syslog-" + System.nanoTime();
        SyslogServerTest.logger(
                "--rfc5424",
                "--tcp",
                "--octet-count",
                "-P",
                syslog.server().tcpPort(),
                "-t",
                "sshd-it",
                "Failed password for root from 10.0.0.9 " + marker);
        IngestedEvent e = awaitDelivered(rawContains(marker));
        assertThat(e.sourceName()).isEqualTo("bastion-auth");
        assertThat(e.application()).isEqualTo("bastion");
        assertThat(fields(e)).containsEntry("process.name", "sshd-it").containsEntry("log.source.address", "127.0.0.1");

        String unknown = "it-unknown-" + System.nanoTime();
        SyslogServerTest.logger("--rfc3164", "--udp", "-P", syslog.server().udpPort(), "-t", "whoami", unknown);
        assertThat(awaitDelivered(rawContains(unknown)).sourceName()).isEqualTo("default-syslog");

        var stats = admin().get("/api/v1/sources/default-syslog").json().get("stats");
        assertThat(stats.get("accepted").asLong()).isPositive();
        assertThat(stats.get("lastSeen").isNull()).isFalse();
    }

    @Test
    void syslogCarryingCefIsParsedWithTheSourcesParser() throws Exception {
        createSource("""
                {"name":"fw-cef","intake":"syslog","parser":"cef","match":["app=fwcef"]}""");
        String marker = "cef" + System.nanoTime();
        SyslogServerTest.logger(
                "--rfc3164",
                "--tcp",
                "-P",
                syslog.server().tcpPort(),
                "-t",
                "fwcef",
                "CEF:0|Acme|FW|1.0|100|blocked|5|src=10.1.1.1 act=" + marker);
        IngestedEvent e = awaitDelivered(rawContains(marker));
        assertThat(e.sourceName()).isEqualTo("fw-cef");
        assertThat(fields(e)).containsEntry("cef.extensions.act", marker).containsEntry("cef.device.vendor", "Acme");
    }

    @Autowired
    dev.vigil.server.platform.DataDirectory dataDirectory;

    /**
     * Debian's rsyslog (installed by .ci/run) as a relay: it receives from {@code logger} on UDP and forwards with
     * omfwd over TCP octet-counted (RFC 5424), TCP LF-framed (its traditional forward format) and TLS (gtls). Runs
     * unprivileged-style with its own config, pid file and work directory in a temp dir.
     */
    @Test
    void rsyslogForwardsOverTcpOctetCountedLfFramedAndTls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path rsyslogd = java.nio.file.Path.of("/usr/sbin/rsyslogd");
        if (!java.nio.file.Files.isExecutable(rsyslogd)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    System.getenv("CI") == null, "rsyslogd is required under CI (.ci/run installs it)");
            System.out.println("NOTICE: rsyslogd not installed; rsyslog forwarding test skipped");
            org.junit.jupiter.api.Assumptions.abort("rsyslogd not installed");
        }
        int[] in = {freeUdpPort(), freeUdpPort(), freeUdpPort()};
        String crt = dataDirectory.directory("ingest").resolve("syslog-tls.crt").toString();
        java.nio.file.Files.createDirectories(dir.resolve("work"));
        String conf = """
                global(workDirectory="%s" defaultNetstreamDriverCAFile="%s")
                module(load="imudp")
                input(type="imudp" address="127.0.0.1" port="%d" ruleset="octet")
                input(type="imudp" address="127.0.0.1" port="%d" ruleset="lf")
                input(type="imudp" address="127.0.0.1" port="%d" ruleset="tls")
                ruleset(name="octet") {
                  action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp" tcp_framing="octet-counted"
                         template="RSYSLOG_SyslogProtocol23Format")
                }
                ruleset(name="lf") {
                  action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp")
                }
                ruleset(name="tls") {
                  action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp" streamDriver="gtls"
                         streamDriverMode="1" streamDriverAuthMode="anon" template="RSYSLOG_SyslogProtocol23Format")
                }
                """.formatted(
                        dir.resolve("work"),
                        crt,
                        in[0],
                        in[1],
                        in[2],
                        syslog.server().tcpPort(),
                        syslog.server().tcpPort(),
                        syslog.server().tlsPort());
        java.nio.file.Path confFile = dir.resolve("rsyslog.conf");
        java.nio.file.Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(
                        rsyslogd.toString(),
                        "-n",
                        "-f",
                        confFile.toString(),
                        "-i",
                        dir.resolve("rsyslog.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyslog.out").toFile())
                .start();
        try {
            String marker = "rsys-" + System.nanoTime();
            String[] kinds = {"octet", "lf", "tls"};
            for (int k = 0; k < 3; k++) {
                String m = marker + "-" + kinds[k];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                boolean got = false;
                // rsyslogd may still be starting: resend until the relay delivers (UDP into rsyslog is lossy).
                while (!got && System.nanoTime() < deadline) {
                    assertThat(p.isAlive())
                            .as(() -> readQuietly(dir.resolve("rsyslog.out")))
                            .isTrue();
                    SyslogServerTest.logger("--rfc5424", "--udp", "-P", in[k], "-t", "relayed", m);
                    for (int i = 0; i < 25 && !got; i++) {
                        got = delivered.stream().anyMatch(rawContains(m));
                        TimeUnit.MILLISECONDS.sleep(20);
                    }
                }
                IngestedEvent e = awaitDelivered(rawContains(m));
                assertThat(fields(e)).containsEntry("process.name", "relayed");
                assertThat(e.sourceName()).isEqualTo("default-syslog");
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    static int freeUdpPort() throws java.io.IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String readQuietly(java.nio.file.Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------------------------------------ NDJSON

    @Test
    void ndjsonCountsAcceptedAndRejectedLinesWithNumbersAndReasons() throws Exception {
        String token = createSource("""
                {"name":"app-json","intake":"http","parser":"json","application":"shop"}""");
        String marker = "nd-" + System.nanoTime();
        String body = "{\"msg\":\"" + marker + "\",\"user\":\"alice\"}\n"
                + "not json\n"
                + "\n"
                + "[1,2]\n"
                + "{\"msg\":\"second\"}";
        var r = new TestApi(port, token).post("/api/v1/ingest/app-json", "application/x-ndjson", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("accepted").asInt()).isEqualTo(2);
        assertThat(j.get("rejected").asInt()).isEqualTo(2);
        assertThat(j.get("errors").get(0).get("line").asInt()).isEqualTo(2);
        assertThat(j.get("errors").get(0).get("reason").asString()).startsWith("invalid JSON");
        assertThat(j.get("errors").get(1).get("line").asInt()).isEqualTo(4);
        assertThat(j.get("errors").get(1).get("reason").asString()).contains("not an object");
        IngestedEvent e = awaitDelivered(rawContains(marker));
        assertThat(e.sourceName()).isEqualTo("app-json");
        assertThat(e.application()).isEqualTo("shop");
        assertThat(fields(e)).containsEntry("user", "alice");
        var rejections = admin().get("/api/v1/sources/app-json/rejections").json();
        assertThat(rejections.size()).isEqualTo(2);
        assertThat(rejections.get(0).get("location").asString()).isEqualTo("line 4");
    }

    @Test
    void ndjsonAcceptsGzipAndRefusesBrokenGzipInvalidUtf8AndOversizeLines() throws Exception {
        String marker = "gz-" + System.nanoTime();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(("{\"m\":\"" + marker + "\"}\n").getBytes(StandardCharsets.UTF_8));
        }
        var ok = gzipPost("/api/v1/ingest/default-http", gz.toByteArray());
        assertThat(ok.statusCode()).isEqualTo(200);
        awaitDelivered(rawContains(marker));

        byte[] broken = java.util.Arrays.copyOf(gz.toByteArray(), gz.size() - 12);
        var bad = gzipPost("/api/v1/ingest/default-http", broken);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("broken gzip body");
        var notGzip = gzipPost("/api/v1/ingest/default-http", "plain".getBytes(StandardCharsets.UTF_8));
        assertThat(notGzip.statusCode()).isEqualTo(400);

        byte[] mixed = concat(
                "{\"a\":\"\u00e9\"}\n".getBytes(StandardCharsets.UTF_8),
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'},
                ("{\"big\":\"" + "x".repeat(1_100_000) + "\"}\n").getBytes(StandardCharsets.UTF_8),
                "{\"after\":1}\n".getBytes(StandardCharsets.UTF_8));
        var r = admin().post("/api/v1/ingest/default-http", "application/x-ndjson", mixed)
                .json();
        assertThat(r.get("accepted").asInt()).isEqualTo(2);
        assertThat(r.get("errors").get(0).get("reason").asString()).isEqualTo("invalid UTF-8 at byte 6");
        assertThat(r.get("errors").get(1).get("reason").asString()).isEqualTo("line exceeds the 1048576-byte limit");
        assertThat(r.get("errors").get(1).get("line").asInt()).isEqualTo(3);
        assertThat(admin().get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void ndjsonIntoASyslogSourceReadsEachLineAsSyslog() throws Exception {
        String marker = "http-into-syslog-" + System.nanoTime();
        var r = admin().post(
                        "/api/v1/ingest/default-syslog",
                        "application/x-ndjson",
                        "<13>1 2025-11-22T15:08:00Z h1 app9 - - - " + marker + "\nnot syslog\n");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(r.json().get("rejected").asInt()).isEqualTo(1);
        assertThat(r.json().get("errors").get(0).get("line").asInt()).isEqualTo(2);
        IngestedEvent e = awaitDelivered(rawContains(marker));
        assertThat(e.sourceName()).isEqualTo("default-syslog");
        assertThat(fields(e)).containsEntry("process.name", "app9");
    }

    @Test
    void ndjsonNumberOverflowingADoubleIsKeptAndItsNeighboursToo() throws Exception {
        String marker = "inf-" + System.nanoTime();
        var r = admin().post(
                        "/api/v1/ingest/default-http",
                        "application/x-ndjson",
                        "{\"Channel\":1e999,\"m\":\"" + marker + "\"}\n{\"m\":\"" + marker + "-2\"}\n");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(fields(awaitDelivered(e -> e.raw().contains("1e999")))).containsEntry("m", marker);
        awaitDelivered(rawContains(marker + "-2"));
    }

    @Test
    void ingestTokensAreBoundToTheirSourceAndUnknownNamesAreVisible() {
        String token = createSource("""
                {"name":"bound-one","intake":"http"}""");
        var other = new TestApi(port, token).post("/api/v1/ingest/app-other", "application/x-ndjson", "{}\n");
        assertThat(other.status()).isEqualTo(403);
        var unknown = admin().post("/api/v1/ingest/no-such-source", "application/x-ndjson", "{\"x\":1}\n")
                .json();
        assertThat(unknown.get("source").asString()).isEqualTo("default-http");
        assertThat(unknown.get("note").asString()).contains("no source named 'no-such-source'");
        assertThat(new TestApi(port, token).get("/api/v1/sources").status()).isEqualTo(403);
    }

    @Test
    void sourcesRefuseInvalidConfigurationAndBuiltinsCannotBeDeleted() {
        var badRegex = admin().postJson("/api/v1/sources", """
                {"name":"bad-re","intake":"http","parser":"regex","parserOptions":{"pattern":"(a"}}""");
        assertThat(badRegex.status()).isEqualTo(400);
        assertThat(badRegex.body()).contains("invalid RE2 pattern");
        var badMatch = admin().postJson("/api/v1/sources", """
                {"name":"bad-match","intake":"syslog","match":["sender=10.0.0.0/99"]}""");
        assertThat(badMatch.status()).isEqualTo(400);
        var badPipeline = admin().postJson("/api/v1/sources", """
                {"name":"bad-pipe","intake":"http","pipeline":"no-such-pipeline"}""");
        assertThat(badPipeline.status()).isEqualTo(400);
        assertThat(badPipeline.body()).contains("unknown pipeline");
        assertThat(admin().delete("/api/v1/sources/default-syslog").status()).isEqualTo(400);
        assertThat(admin().get("/api/v1/sources/nope").status()).isEqualTo(404);
        createSource("""
                {"name":"to-delete","intake":"http"}""");
        assertThat(admin().postJson("/api/v1/sources", "{\"name\":\"to-delete\",\"intake\":\"http\"}")
                        .status())
                .isEqualTo(409);
        assertThat(admin().delete("/api/v1/sources/to-delete").status()).isEqualTo(204);
    }

    // ------------------------------------------------------------------------------------------------ _bulk

    @Test
    void elasticsearchJavaClientBulkIndexesIntoVigil() throws Exception {
        String token = createSource("""
                {"name":"beats","intake":"bulk","match":["index=filebeat-*"],"application":"fleet"}""");
        try (ElasticsearchClient es =
                ElasticsearchClient.of(b -> b.host("http://127.0.0.1:" + port).apiKey(token))) {
            InfoResponse info = es.info();
            assertThat(info.version().number()).isEqualTo("8.17.0");
            String marker = "bulk-" + System.nanoTime();
            BulkResponse r = es.bulk(b -> b.index("filebeat-9.0.0")
                    .operations(op ->
                            op.create(c -> c.document(Map.of("message", marker, "host", Map.of("name", "h1")))))
                    .operations(op ->
                            op.index(i -> i.index("other-index").id("fixed-id").document(Map.of("message", "x"))))
                    .operations(op -> op.delete(d -> d.index("filebeat-9.0.0").id("1"))));
            assertThat(r.errors()).isTrue();
            List<BulkResponseItem> items = r.items();
            assertThat(items).hasSize(3);
            assertThat(items.get(0).status()).isEqualTo(201);
            assertThat(items.get(0).id()).isNotBlank();
            assertThat(items.get(1).id()).isEqualTo("fixed-id");
            assertThat(items.get(2).status()).isEqualTo(400);
            assertThat(items.get(2).error().reason()).contains("append-only");
            IngestedEvent e = awaitDelivered(rawContains(marker));
            assertThat(e.sourceName()).isEqualTo("beats"); // the token is bound to "beats"
            assertThat(e.application()).isEqualTo("fleet");
        }
        try (ElasticsearchClient es = ElasticsearchClient.of(
                b -> b.host("http://127.0.0.1:" + port).usernameAndPassword("elastic", VigilServerTest.ADMIN_TOKEN))) {
            String marker = "bulk-basic-" + System.nanoTime();
            BulkResponse r = es.bulk(b ->
                    b.operations(op -> op.index(i -> i.index("filebeat-x").document(Map.of("m", marker)))));
            assertThat(r.errors()).isFalse();
            assertThat(awaitDelivered(rawContains(marker)).sourceName()).isEqualTo("beats"); // matched by index
        }
    }

    @Test
    void elasticsearchJavaClientReadsAnItemRefusedForAMissingIndex() throws Exception {
        try (ElasticsearchClient es = ElasticsearchClient.of(
                b -> b.host("http://127.0.0.1:" + port).usernameAndPassword("elastic", VigilServerTest.ADMIN_TOKEN))) {
            String marker = "bulk-no-index-" + System.nanoTime();
            BulkResponse r = es.bulk(b -> b.operations(
                            op -> op.index(i -> i.index("logs-x").document(Map.of("m", marker))))
                    .operations(op -> op.create(c -> c.document(Map.of("m", "no index")))));
            assertThat(r.errors()).isTrue();
            assertThat(r.items()).hasSize(2);
            assertThat(r.items().get(0).status()).isEqualTo(201);
            assertThat(r.items().get(1).status()).isEqualTo(400);
            assertThat(r.items().get(1).error().reason()).isEqualTo("index is missing");
            awaitDelivered(rawContains(marker));
        }
    }

    @Test
    void bulkRefusesMalformedActionLinesWholeAndBadDocumentsPerItem() {
        var malformed = admin().post("/_bulk", "application/x-ndjson", "{\"index\":{}\n{\"a\":1}\n");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.header("X-Elastic-Product")).isEqualTo("Elasticsearch");
        var r = admin().post(
                        "/logs/_bulk",
                        "application/x-ndjson",
                        "{\"create\":{}}\n{bad json\n{\"create\":{}}\n{\"ok\":1}\n");
        assertThat(r.status()).isEqualTo(200);
        JsonNode items = r.json().get("items");
        assertThat(items.get(0).get("create").get("status").asInt()).isEqualTo(400);
        assertThat(items.get(0).get("create").get("error").get("type").asString())
                .isEqualTo("document_parsing_exception");
        assertThat(items.get(1).get("create").get("status").asInt()).isEqualTo(201);
        for (String probe :
                List.of("/_license", "/_xpack", "/_index_template/filebeat-9.0.0", "/_ilm/policy/filebeat")) {
            assertThat(admin().get(probe).status()).as(probe).isEqualTo(200);
        }
        assertThat(admin().putJson("/_index_template/filebeat-9.0.0", "{}")
                        .json()
                        .get("acknowledged")
                        .asBoolean())
                .isTrue();
    }

    // ------------------------------------------------------------------------------------------------ OTLP

    @Test
    void openTelemetrySdkExportsLogsOverOtlpHttpProtobuf() throws Exception {
        String marker = "otlp-" + System.nanoTime();
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
                .setEndpoint("http://127.0.0.1:" + port + "/v1/logs")
                .addHeader("Authorization", "Bearer " + VigilServerTest.ADMIN_TOKEN)
                .setCompression("gzip")
                .build();
        try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")))
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter))
                .build()) {
            Logger logger = provider.get("it.scope");
            logger.logRecordBuilder()
                    .setSeverity(Severity.WARN)
                    .setSeverityText("WARN")
                    .setBody("login failed " + marker)
                    .setAttribute(AttributeKey.stringKey("user.name"), "mallory")
                    .emit();
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
                    .isTrue();
        }
        IngestedEvent e = awaitDelivered(rawContains(marker));
        assertThat(e.sourceName()).isEqualTo("default-otlp");
        assertThat(e.application()).isEqualTo("checkout");
        assertThat(fields(e))
                .containsEntry("message", "login failed " + marker)
                .containsEntry("attributes.user.name", "mallory")
                .containsEntry("resource.attributes.service.name", "checkout")
                .containsEntry("severity_number", 13L)
                .containsEntry("scope.name", "it.scope");
    }

    @Test
    void otlpJsonFromTheSdkEncoderIsAcceptedAndGarbageIsRefused() throws Exception {
        String marker = "otlp-json-" + System.nanoTime();
        List<Collection<LogRecordData>> captured = new ArrayList<>();
        LogRecordExporter capture = new LogRecordExporter() {
            @Override
            public CompletableResultCode export(Collection<LogRecordData> logs) {
                captured.add(List.copyOf(logs));
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(capture))
                .build()) {
            provider.get("json").logRecordBuilder().setBody(marker).emit();
        }
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        LogsRequestMarshaler.create(captured.get(0)).writeJsonTo(json);
        var r = admin().post("/v1/logs", "application/json", json.toByteArray());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(fields(awaitDelivered(rawContains(marker)))).containsEntry("message", marker);

        var garbage = admin().post("/v1/logs", "application/x-protobuf", new byte[] {(byte) 0xFF, 0x01, 0x02, 0x7F});
        assertThat(garbage.status()).isEqualTo(400);
        var unknownOnly = admin().post("/v1/logs", "application/x-protobuf", new byte[] {0x48, 0x01}); // field 9 varint
        assertThat(unknownOnly.status()).isEqualTo(400);
        var badJson = admin().post("/v1/logs", "application/json", "{\"resourceLogs\":[{\"scopeLogs\":7}]}");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.body()).contains("scopeLogs must be an array");
        assertThat(admin().post("/v1/logs", "text/plain", "x").status()).isEqualTo(415);
    }

    @Test
    void otlpJsonRecordWithABadFieldIsRejectedAloneAndItsNeighboursAreKept() throws Exception {
        String marker = "otlp-neighbour-" + System.nanoTime();
        String body = """
                {"resourceLogs":[{"scopeLogs":[{"logRecords":[
                  {"body":{"stringValue":"bad trace"},"traceId":"not-hex"},
                  {"body":{"stringValue":"bad attribute"},"attributes":[{"key":"user","value":"alice"}]},
                  {"body":{"stringValue":"%s"},"timeUnixNano":"1763800000000000000"}
                ]}]}]}""".formatted(marker);
        var r = admin().post("/v1/logs", "application/json", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("partialSuccess").get("rejectedLogRecords").asString())
                .isEqualTo("2");
        assertThat(r.json().get("partialSuccess").get("errorMessage").asString())
                .isEqualTo("record 1: invalid OTLP JSON: traceId must be 32 hex digits");
        assertThat(fields(awaitDelivered(rawContains(marker)))).containsEntry("message", marker);
        var rejections = admin().get("/api/v1/sources/default-otlp/rejections").json();
        assertThat(rejections.findValuesAsString("reason"))
                .contains("invalid OTLP JSON: AnyValue must be an object, found STRING");
    }

    @Test
    void metricsExposeIntakeCounters() {
        var r = admin().get("/actuator/prometheus");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("vigil_ingest_queue_events").contains("vigil_ingest_records_total");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    java.net.http.HttpResponse<String> gzipPost(String path, byte[] body) throws Exception {
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + VigilServerTest.ADMIN_TOKEN)
                .header("Content-Type", "application/x-ndjson")
                .header("Content-Encoding", "gzip")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The event's fields as a map (first value of each), for assertions. */
    static Map<String, Object> fields(IngestedEvent e) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String name : e.event().fieldNames()) {
            m.put(name, e.event().get(name));
        }
        return m;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
