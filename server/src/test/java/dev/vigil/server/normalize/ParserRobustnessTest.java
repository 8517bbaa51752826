package dev.vigil.server.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: every parser, fed random and mutated records, either parses or refuses with a {@link ParseException}
 * — never another exception, never a hang (all parsers are linear; RE2J for user patterns).
 */
class ParserRobustnessTest {
    private static final String[] SEEDS = {
        "<34>1 2003-10-11T22:14:15.003Z host app 12 ID [a@1 b=\"c\\\"d\"][e f=\"g\"] \uFEFFmsg",
        "<13>Nov  2 03:04:05 bastion sshd[1234]: Failed password",
        "CEF:0|V|P|1|100|name|5|src=1.2.3.4 msg=a\\=b c=d e",
        "LEEF:2.0|V|P|1|7|^|a=1^b=2",
        "level=info msg=\"x \\\"y\\\"\" flag k=",
        "{\"a\":[1,{\"b\":null}],\"c\":\"\\u00e9\"}",
        "a=1, b:\"2\" c='3'"
    };
    private static final String ALPHABET = "<>[]{}|=\\\":,' \t\n^-0123456789abcCEFLx\u00e9\uFEFF";

    @Test
    void randomAndMutatedRecordsParseOrAreRefusedWithAReason() {
        Random random = new Random(42);
        SyslogParser syslog = new SyslogParser();
        LogParser[] parsers = new LogParser[ParserKind.values().length];
        for (ParserKind k : ParserKind.values()) {
            parsers[k.ordinal()] = Parsers.create(new ParserSpec(
                    k, k == ParserKind.REGEX ? Map.of("pattern", "(?P<a>\\w+)=(?P<b>[^ ]*)") : Map.of()));
        }
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        int refused = 0;
        for (int i = 0; i < 5_000; i++) {
            String input = i % 2 == 0 ? mutate(SEEDS[random.nextInt(SEEDS.length)], random) : randomText(random);
            for (LogParser p : parsers) {
                try {
                    assertThat(p.parse(input, now)).isNotNull();
                } catch (ParseException e) {
                    assertThat(e.reason()).isNotBlank();
                    refused++;
                }
            }
            try {
                syslog.parse(input, now);
            } catch (ParseException e) {
                assertThat(e.reason()).isNotBlank();
            }
        }
        assertThat(refused).isPositive();
    }

    private static String mutate(String seed, Random r) {
        StringBuilder b = new StringBuilder(seed);
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(3)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                default -> b.setLength(at);
            }
        }
        return b.toString();
    }

    private static String randomText(Random r) {
        int n = r.nextInt(80);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
