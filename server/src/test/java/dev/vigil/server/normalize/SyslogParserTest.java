package dev.vigil.server.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SyslogParserTest {
    private static final Instant NOW = Instant.parse("2025-11-22T15:10:00Z");
    private final SyslogParser parser = new SyslogParser();

    @Test
    void parsesRfc5424ExampleWithStructuredData() throws Exception {
        var m = parser.parse(
                "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                        + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                        + "[examplePriority@32473 class=\"high\"] \uFEFFAn application event log entry",
                NOW);
        assertThat(m.format()).isEqualTo(SyslogMessage.Format.RFC5424);
        assertThat(m.facility()).isEqualTo(20);
        assertThat(m.severity()).isEqualTo(5);
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
        assertThat(m.hostname()).isEqualTo("mymachine.example.com");
        assertThat(m.appName()).isEqualTo("evntslog");
        assertThat(m.procId()).isNull();
        assertThat(m.msgId()).isEqualTo("ID47");
        assertThat(m.structuredData().get("exampleSDID@32473")).containsEntry("eventID", "1011");
        assertThat(m.message()).isEqualTo("An application event log entry");
        assertThat(m.toFields())
                .containsEntry("log.syslog.structured_data.examplePriority@32473.class", "high")
                .containsEntry("log.syslog.severity.name", "notice")
                .containsEntry("log.syslog.facility.name", "local4")
                .containsEntry("process.name", "evntslog");
    }

    @Test
    void parsesUtilLinuxLogger5424OutputWithEscapesAndOffset() throws Exception {
        var m = parser.parse(
                "<13>1 2025-11-22T15:08:00.123456+01:00 host1 root 4711 - [timeQuality tzKnown=\"1\" "
                        + "x=\"a\\\"b\\]c\\\\\"] hello world",
                NOW);
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2025-11-22T14:08:00.123456Z"));
        assertThat(m.procId()).isEqualTo("4711");
        assertThat(m.structuredData().get("timeQuality")).containsEntry("x", "a\"b]c\\");
        assertThat(m.message()).isEqualTo("hello world");
    }

    @Test
    void parses5424WithoutMessageAndNilValues() throws Exception {
        var m = parser.parse("<34>1 - - - - - -", NOW);
        assertThat(m.timestamp()).isNull();
        assertThat(m.hostname()).isNull();
        assertThat(m.message()).isEmpty();
    }

    @Test
    void parsesClassic3164WithHostTagAndPid() throws Exception {
        var m = parser.parse("<38>Nov  2 03:04:05 bastion sshd[1234]: Failed password for root from 10.0.0.9", NOW);
        assertThat(m.format()).isEqualTo(SyslogMessage.Format.RFC3164);
        assertThat(m.facility()).isEqualTo(4);
        assertThat(m.severity()).isEqualTo(6);
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2025-11-02T03:04:05Z"));
        assertThat(m.hostname()).isEqualTo("bastion");
        assertThat(m.appName()).isEqualTo("sshd");
        assertThat(m.procId()).isEqualTo("1234");
        assertThat(m.message()).isEqualTo("Failed password for root from 10.0.0.9");
    }

    @Test
    void resolves3164YearToTheOneNearestTheReceiveTimeAndUsesTheSourceZone() throws Exception {
        var berlin = new SyslogParser(ZoneId.of("Europe/Berlin"));
        var m = berlin.parse("<13>Dec 31 23:59:59 h app: x", Instant.parse("2026-01-01T00:00:30Z"));
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2025-12-31T22:59:59Z"));
    }

    @Test
    void parses3164WithRfc3339TimestampAsRsyslogForwards() throws Exception {
        var m = parser.parse("<86>2025-11-22T15:08:00.5+00:00 web01 sudo: alice : TTY=pts/0 ; COMMAND=/bin/sh", NOW);
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2025-11-22T15:08:00.500Z"));
        assertThat(m.hostname()).isEqualTo("web01");
        assertThat(m.appName()).isEqualTo("sudo");
        assertThat(m.message()).isEqualTo("alice : TTY=pts/0 ; COMMAND=/bin/sh");
    }

    @Test
    void parses3164WithoutHostnameOrTimestamp() throws Exception {
        var noHost = parser.parse("<13>Nov 22 15:08:00 cron[99]: job done", NOW);
        assertThat(noHost.hostname()).isNull();
        assertThat(noHost.appName()).isEqualTo("cron");
        var bare = parser.parse("<13>just some text", NOW);
        assertThat(bare.timestamp()).isNull();
        assertThat(bare.appName()).isNull();
        assertThat(bare.message()).isEqualTo("just some text");
    }

    @Test
    void aTagWithoutColonIsTheAppNameButStaysInTheMessage() throws Exception {
        var m = parser.parse("<13>Nov 22 15:36:51 vm relayed rsys-1 done", NOW);
        assertThat(m.hostname()).isEqualTo("vm");
        assertThat(m.appName()).isEqualTo("relayed");
        assertThat(m.message()).isEqualTo("relayed rsys-1 done");
    }

    @Test
    void refusesFramesWithoutValidPri() {
        assertThatThrownBy(() -> parser.parse("hello", NOW)).hasMessageContaining("missing <PRI>");
        assertThatThrownBy(() -> parser.parse("<1000>x", NOW)).hasMessageContaining("malformed <PRI>");
        assertThatThrownBy(() -> parser.parse("<192>x", NOW)).hasMessageContaining("invalid PRI 192");
        assertThatThrownBy(() -> parser.parse("<13", NOW)).hasMessageContaining("malformed <PRI>");
        assertThatThrownBy(() -> parser.parse("", NOW)).hasMessageContaining("empty");
    }

    @Test
    void refusesBroken5424WithThePlace() {
        assertThatThrownBy(() -> parser.parse("<13>1 yesterday host app - - - msg", NOW))
                .hasMessageContaining("TIMESTAMP 'yesterday' is not RFC 3339");
        assertThatThrownBy(() -> parser.parse("<13>1 - host app - - [id a=\"unterminated] m", NOW))
                .hasMessageContaining("unterminated");
        assertThatThrownBy(() -> parser.parse("<13>1 - host app - - nosd", NOW))
                .hasMessageContaining("STRUCTURED-DATA");
        assertThatThrownBy(() -> parser.parse("<13>1 - host", NOW)).hasMessageContaining("ends inside the header");
        assertThatThrownBy(() -> parser.parse("<13>2 - h a - - - m", NOW)).hasMessageContaining("VERSION 2");
    }
}
