package dev.vigil.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventLogsource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineTest {
    static final String EVTX = """
            {"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
             "System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon","Guid":"5770"}},
              "EventID":1,"TimeCreated":{"#attributes":{"SystemTime":"2025-11-27T07:40:10.165324Z"}},
              "Execution":{"#attributes":{"ProcessID":3544}},
              "Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"host1",
              "Security":{"#attributes":{"UserID":"S-1-5-18"}}},
             "EventData":{"Image":"C:\\\\Windows\\\\System32\\\\cmd.exe","CommandLine":"cmd /c whoami"}}}""";

    @Test
    void evtxShapeMapsToSigmaNamesLogsourceAndTime() {
        Event e = Pipelines.builtin("windows-evtx").apply(Event.parseJson(EVTX));
        assertThat(e.getString("Image")).isEqualTo("C:\\Windows\\System32\\cmd.exe");
        assertThat(e.getString("Provider_Name")).isEqualTo("Microsoft-Windows-Sysmon");
        assertThat(e.get("EventID")).isEqualTo(1L);
        assertThat(e.getString("Channel")).isEqualTo("Microsoft-Windows-Sysmon/Operational");
        assertThat(e.get("Execution_ProcessID")).isEqualTo(3544L);
        assertThat(e.getString("Security_UserID")).isEqualTo("S-1-5-18");
        assertThat(e.has("Event.#attributes.xmlns")).isFalse();
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2025-11-27T07:40:10.165324Z"));
        assertThat(e.logsource())
                .isEqualTo(new EventLogsource("windows", List.of("process_creation"), List.of("sysmon")));
        assertThat(e.pipeline()).isEqualTo("windows-evtx");
    }

    @Test
    void eventIdWithQualifiersAttributeUsesItsText() {
        Event e = Pipelines.auto().apply(Event.parseJson("""
                {"Event":{"System":{"Channel":"System","EventID":{"#attributes":{"Qualifiers":16384},"#text":7045}},
                 "EventData":{"ServiceName":"evil"}}}"""));
        assertThat(e.get("EventID")).isEqualTo(7045L);
        assertThat(e.get("EventID_Qualifiers")).isEqualTo(16384L);
        assertThat(e.logsource().services()).containsExactly("system");
    }

    @Test
    void security4688IsProcessCreationWithSigmaFieldAliases() {
        Event e = Pipelines.auto()
                .apply(Event.of(Map.of(
                        "Channel",
                        "Security",
                        "EventID",
                        4688,
                        "NewProcessName",
                        "C:\\x\\whoami.exe",
                        "ParentProcessName",
                        "C:\\x\\cmd.exe")));
        assertThat(e.getString("Image")).isEqualTo("C:\\x\\whoami.exe");
        assertThat(e.getString("ParentImage")).isEqualTo("C:\\x\\cmd.exe");
        assertThat(e.getString("NewProcessName")).isEqualTo("C:\\x\\whoami.exe");
        assertThat(e.logsource().categories()).containsExactly("process_creation");
        assertThat(e.logsource().services()).containsExactly("security");
    }

    @Test
    void defenderFieldNamesLoseTheirSpacesAndDetectionsAreAntivirus() {
        Event e = Pipelines.auto().apply(Event.parseJson("""
                {"Event":{"System":{"Channel":"Microsoft-Windows-Windows Defender/Operational","EventID":1116},
                 "EventData":{"Threat Name":"Tool:Win32/EICAR","Path":"file:_C:\\\\x.exe"}}}"""));
        assertThat(e.getString("ThreatName")).isEqualTo("Tool:Win32/EICAR");
        assertThat(e.getString("Signature")).isEqualTo("Tool:Win32/EICAR");
        assertThat(e.getString("Filename")).isEqualTo("file:_C:\\x.exe");
        assertThat(e.logsource().categories()).containsExactly("antivirus");
        assertThat(e.logsource().services()).containsExactly("windefend");
    }

    @Test
    void sysmonRegistryEventsGetTheSpecificCategories() {
        Event add = Pipelines.auto()
                .apply(Event.of(Map.of(
                        "Channel", "Microsoft-Windows-Sysmon/Operational", "EventID", "12", "EventType", "CreateKey")));
        assertThat(add.logsource().categories()).containsExactly("registry_event", "registry_add");
        Event set = Pipelines.auto()
                .apply(Event.of(Map.of(
                        "Channel", "microsoft-windows-sysmon/operational", "EventID", 13, "EventType", "SetValue")));
        assertThat(set.logsource().categories()).containsExactly("registry_event", "registry_set");
    }

    @Test
    void winlogbeatShape() {
        Event e = Pipelines.auto().apply(Event.parseJson("""
                {"@timestamp":"2026-01-02T03:04:05.000Z","event":{"code":"1"},
                 "winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":1,
                  "provider_name":"Microsoft-Windows-Sysmon","computer_name":"ws1",
                  "event_data":{"Image":"C:\\\\x\\\\cmd.exe","CommandLine":"cmd"}}}"""));
        assertThat(e.pipeline()).isEqualTo("winlogbeat-ecs");
        assertThat(e.getString("Image")).isEqualTo("C:\\x\\cmd.exe");
        assertThat(e.get("EventID")).isEqualTo(1L);
        assertThat(e.getString("Provider_Name")).isEqualTo("Microsoft-Windows-Sysmon");
        assertThat(e.getString("Computer")).isEqualTo("ws1");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(e.logsource().categories()).containsExactly("process_creation");
    }

    @Test
    void nxlogShape() {
        Event e = Pipelines.auto().apply(Event.parseJson("""
                {"EventTime":"2026-01-02 03:04:05","Hostname":"ws1","SourceName":"Microsoft-Windows-Sysmon",
                 "Channel":"Microsoft-Windows-Sysmon/Operational","EventID":3,"Image":"C:\\\\x\\\\nc.exe",
                 "DestinationIp":"10.0.0.1"}"""));
        assertThat(e.pipeline()).isEqualTo("nxlog");
        assertThat(e.getString("Provider_Name")).isEqualTo("Microsoft-Windows-Sysmon");
        assertThat(e.getString("Computer")).isEqualTo("ws1");
        assertThat(e.logsource().categories()).containsExactly("network_connection");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Test
    void flatEventsUseTheirHintFields() {
        Event e = Pipelines.auto()
                .apply(Event.of(Map.of(
                        "message", "x", "product", "Cisco", "service", "aaa", "Channel", "Security", "EventID", 4688)));
        assertThat(e.pipeline()).isEqualTo("flat");
        assertThat(e.logsource()).isEqualTo(EventLogsource.of("cisco", null, "aaa"));
    }

    @Test
    void eventsWithoutAnyLogsourceInformationStayUnknown() {
        Event e = Pipelines.auto().apply(Event.of(Map.of("message", "hello")));
        assertThat(e.logsource()).isNull();
    }

    @Test
    void aLogsourceSetBeforehandIsKeptWhenThePipelineFindsNone() {
        EventLogsource ls = EventLogsource.of("linux", null, "sshd");
        Event e = Pipelines.auto().apply(Event.of(Map.of("message", "hello")).withLogsource(ls));
        assertThat(e.logsource()).isEqualTo(ls);
    }

    @Test
    void applyingTwiceChangesNothing() {
        Event once = Pipelines.auto().apply(Event.parseJson(EVTX));
        assertThat(Pipelines.auto().apply(once)).isSameAs(once);
        assertThat(Pipelines.builtin("windows-evtx").apply(once)).isSameAs(once);
    }

    @Test
    void customYamlPipeline() {
        Pipeline p = Pipeline.fromYaml("""
                name: apache-json
                rename:
                  - {field: request.uri, to: c-uri}
                  - {prefix: 'http.', to: ''}
                timestamp: [ts]
                logsources:
                  - when: {vhost: [shop.example.com, www.example.com]}
                    category: webserver
                    product: apache
                """);
        Event e = p.apply(
                Event.parseJson(
                        "{\"request\":{\"uri\":\"/a?b\"},\"http\":{\"status\":200},\"vhost\":\"WWW.example.com\",\"ts\":1700000000}"));
        assertThat(e.getString("c-uri")).isEqualTo("/a?b");
        assertThat(e.get("status")).isEqualTo(200L);
        assertThat(e.logsource()).isEqualTo(EventLogsource.of("apache", "webserver", null));
        assertThat(e.timestamp()).isEqualTo(Instant.ofEpochSecond(1700000000));
    }

    @Test
    void badPipelinesAreRejectedWithAReason() {
        assertThatThrownBy(() -> Pipelines.builtin("splunk"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("unknown pipeline 'splunk'");
        assertThatThrownBy(() -> Pipeline.fromYaml("rename: []"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("'name' is required");
        assertThatThrownBy(() -> Pipeline.fromYaml("name: x\nrename: [{field: a}]"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("needs 'to'");
    }
}
