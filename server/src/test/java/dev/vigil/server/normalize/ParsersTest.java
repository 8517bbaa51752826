package dev.vigil.server.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParsersTest {
    private static final Instant NOW = Instant.parse("2025-11-22T15:10:00Z");

    private static Map<String, Object> parse(ParserKind kind, String text) throws ParseException {
        return Parsers.create(ParserSpec.of(kind)).parse(text, NOW);
    }

    @Test
    void jsonKeepsTypesAndNesting() throws Exception {
        var f = parse(ParserKind.JSON, "{\"a\":1,\"b\":{\"c\":[true,null,1.5]},\"s\":\"x\"}");
        assertThat(f).containsEntry("a", 1L).containsEntry("s", "x");
        assertThat(f.get("b")).isEqualTo(Map.of("c", java.util.Arrays.asList(true, null, 1.5)));
    }

    @Test
    void jsonRefusesNonObjectsGarbageAndDeepNesting() {
        assertThatThrownBy(() -> parse(ParserKind.JSON, "[1,2]"))
                .hasMessageContaining("not an object (found an array)");
        assertThatThrownBy(() -> parse(ParserKind.JSON, "{\"a\":")).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> parse(ParserKind.JSON, "{\"a\":1} {}")).hasMessageContaining("trailing data");
        assertThatThrownBy(() -> parse(ParserKind.JSON, "   ")).hasMessageContaining("empty JSON line");
        String deep = "{\"a\":".repeat(200) + "1" + "}".repeat(200);
        assertThatThrownBy(() -> parse(ParserKind.JSON, deep)).hasMessageContaining("invalid JSON");
    }

    @Test
    void cefHeaderAndExtensionsWithSpacesAndEscapes() throws Exception {
        var f = parse(
                ParserKind.CEF,
                "Nov 22 15:08:00 fw CEF:0|Security|threat\\|manager|1.0|100|worm successfully stopped|10|"
                        + "src=10.0.0.1 dst=2.1.2.2 msg=Detected a threat. No action needed a\\=b cs1Label=Rule Name cs1=x");
        assertThat(f)
                .containsEntry("cef.version", "0")
                .containsEntry("cef.device.product", "threat|manager")
                .containsEntry("cef.device.event_class_id", "100")
                .containsEntry("cef.severity", "10")
                .containsEntry("cef.extensions.src", "10.0.0.1")
                .containsEntry("cef.extensions.msg", "Detected a threat. No action needed a=b")
                .containsEntry("cef.extensions.cs1Label", "Rule Name")
                .containsEntry("cef.extensions.cs1", "x");
        assertThat(f.get("message")).asString().startsWith("Nov 22");
    }

    @Test
    void cefRefusesTruncatedHeader() {
        assertThatThrownBy(() -> parse(ParserKind.CEF, "CEF:0|a|b|c"))
                .hasMessageContaining("of 7 '|'-separated fields");
        assertThatThrownBy(() -> parse(ParserKind.CEF, "hello")).hasMessageContaining("no 'CEF:' header");
    }

    @Test
    void leefOneAndTwoWithCustomDelimiter() throws Exception {
        var v1 = parse(
                ParserKind.LEEF,
                "LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=10.50.1.1\tdst=2.10.20.20\tusrName=bob");
        assertThat(v1)
                .containsEntry("leef.vendor", "Microsoft")
                .containsEntry("leef.event_id", "15345")
                .containsEntry("leef.attributes.usrName", "bob");
        var v2 = parse(ParserKind.LEEF, "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5");
        assertThat(v2).containsEntry("leef.attributes.dst", "10.0.0.5").containsEntry("leef.attributes.sev", "5");
        var hex = parse(ParserKind.LEEF, "LEEF:2.0|V|P|1|7|0x7C|a=1|b=2");
        assertThat(hex).containsEntry("leef.attributes.a", "1").containsEntry("leef.attributes.b", "2");
        assertThatThrownBy(() -> parse(ParserKind.LEEF, "LEEF:3.0|a|b|c|d|"))
                .hasMessageContaining("unsupported LEEF version");
    }

    @Test
    void logfmtQuotedValuesFlagsAndErrors() throws Exception {
        var f = parse(ParserKind.LOGFMT, "level=info msg=\"user \\\"bob\\\" logged in\" admin dur=1.5s empty=");
        assertThat(f)
                .containsEntry("level", "info")
                .containsEntry("msg", "user \"bob\" logged in")
                .containsEntry("admin", true)
                .containsEntry("empty", "");
        assertThatThrownBy(() -> parse(ParserKind.LOGFMT, "a=\"open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> parse(ParserKind.LOGFMT, "   ")).hasMessageContaining("no key=value");
    }

    @Test
    void kvWithConfiguredSeparators() throws Exception {
        var p = Parsers.create(new ParserSpec(ParserKind.KV, Map.of("pair-separator", ",", "value-separator", ":")));
        var f = p.parse("src:10.0.0.1, dst:10.0.0.2, action:\"deny, all\"", NOW);
        assertThat(f)
                .containsEntry("src", "10.0.0.1")
                .containsEntry("dst", "10.0.0.2")
                .containsEntry("action", "deny, all");
        var d = parse(ParserKind.KV, "date=2025-01-01 time=10:00 devname=\"FGT 60\" action=deny");
        assertThat(d).containsEntry("devname", "FGT 60").containsEntry("action", "deny");
        assertThatThrownBy(() -> parse(ParserKind.KV, "no pairs here")).hasMessageContaining("no key=value");
    }

    @Test
    void regexNamedGroupsAndNonMatch() throws Exception {
        var p = Parsers.create(new ParserSpec(
                ParserKind.REGEX,
                Map.of(
                        "pattern",
                        "^(?P<client>\\S+) \\S+ (?P<user>\\S+) \\[[^\\]]+\\] \"(?P<method>\\w+) (?P<path>\\S+)")));
        var f = p.parse("10.1.2.3 - admin [22/Nov/2025:15:08:00 +0000] \"GET /../../etc/passwd HTTP/1.1\" 404 0", NOW);
        assertThat(f)
                .containsEntry("client", "10.1.2.3")
                .containsEntry("user", "admin")
                .containsEntry("path", "/../../etc/passwd");
        assertThatThrownBy(() -> p.parse("nonsense", NOW)).hasMessageContaining("does not match");
    }

    @Test
    void invalidParserOptionsFailWhenTheSourceIsConfigured() {
        assertThatThrownBy(() -> Parsers.create(new ParserSpec(ParserKind.REGEX, Map.of("pattern", "(a"))))
                .hasMessageContaining("invalid RE2 pattern");
        assertThatThrownBy(() -> Parsers.create(new ParserSpec(ParserKind.REGEX, Map.of("pattern", "a+"))))
                .hasMessageContaining("no named group");
        assertThatThrownBy(() -> Parsers.create(new ParserSpec(ParserKind.REGEX, Map.of("pattern", "(?P<a>x)\\1"))))
                .hasMessageContaining("invalid RE2 pattern");
        assertThatThrownBy(() -> Parsers.create(new ParserSpec(ParserKind.SYSLOG, Map.of("timezone", "Mars/Base"))))
                .hasMessageContaining("unknown time zone");
        assertThatThrownBy(() -> ParserKind.of("xml")).hasMessageContaining("unknown parser 'xml'");
        assertThat(List.of(ParserKind.values())).hasSize(7);
    }
}
