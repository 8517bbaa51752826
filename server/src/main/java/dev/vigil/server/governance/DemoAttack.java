package dev.vigil.server.governance;

import dev.vigil.server.ingest.Intake;
import dev.vigil.server.ingest.LogSource;
import dev.vigil.server.normalize.ParserKind;
import dev.vigil.server.normalize.ParserSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bundled demo attack (attacker 203.0.113.66 against the web shop, its Linux host, its AWS account and the office
 * network), kept once as data in {@value #RESOURCE}: {@code ./vigil demo} sends it through the intake endpoints, and a
 * replay exercise replays it through intake. Each line is either a step heading ({@code {"step": …}}) or a record
 * ({@code {"source": …, "raw": …}}) whose raw text holds time placeholders {@code {t+SECONDS}}, rendered relative to a
 * base instant (ISO-8601, seconds precision), so the story's times keep their spacing.
 */
public final class DemoAttack {
    public static final String RESOURCE = "exercises/demo-attack.ndjson";
    /**
     * The log sources the story's records come in through: {@code ./vigil demo} creates them; a replay reads a
     * record as the configured source of that name when there is one, else with this definition.
     */
    public static final List<LogSource> SOURCES = List.of(
            source("shop-web", Intake.HTTP, ParserKind.JSON, "nginx", "webserver", null, "shop", List.of()),
            source("shop-cloud", Intake.HTTP, ParserKind.JSON, "aws", null, "cloudtrail", "shop", List.of()),
            source(
                    "linux-servers",
                    Intake.SYSLOG,
                    ParserKind.SYSLOG,
                    "linux",
                    null,
                    null,
                    "shop",
                    List.of("hostname=web-*")),
            source("corp-windows", Intake.HTTP, ParserKind.JSON, "windows", null, "security", "corp-it", List.of()),
            source(
                    "corp-endpoints",
                    Intake.HTTP,
                    ParserKind.JSON,
                    "windows",
                    "process_creation",
                    null,
                    "corp-it",
                    List.of()));

    private static LogSource source(
            String name,
            Intake intake,
            ParserKind parser,
            String product,
            String category,
            String service,
            String application,
            List<String> match) {
        return new LogSource(
                null,
                name,
                intake,
                ParserSpec.of(parser),
                null,
                product,
                category,
                service,
                application,
                match,
                100,
                true,
                false,
                null,
                null);
    }

    /** The definition of one of the story's sources. */
    public static LogSource definition(String name) {
        return SOURCES.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no demo source " + name));
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{t\\+(\\d+)}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DemoAttack() {}

    /**
     * A step heading ({@code step} set, the rest null) or a record.
     *
     * @param at the record's time (its latest placeholder), null for a step
     */
    public record Item(String step, String source, String raw, Instant at) {
        public boolean isStep() {
            return step != null;
        }
    }

    /** The story with its times starting at {@code base}. */
    public static List<Item> render(Instant base) {
        List<Item> out = new ArrayList<>();
        try (InputStream in = DemoAttack.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo attack " + RESOURCE + " is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                if (n.has("step")) {
                    out.add(new Item(n.get("step").asString(), null, null, null));
                    continue;
                }
                Matcher m = PLACEHOLDER.matcher(n.get("raw").asString());
                StringBuilder raw = new StringBuilder();
                Instant at = base;
                while (m.find()) {
                    Instant t = base.plusSeconds(Long.parseLong(m.group(1)));
                    at = t.isAfter(at) ? t : at;
                    m.appendReplacement(raw, t.toString());
                }
                m.appendTail(raw);
                out.add(new Item(null, n.get("source").asString(), raw.toString(), at));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The story's records only. */
    public static List<Item> records(Instant base) {
        return render(base).stream().filter(i -> !i.isStep()).toList();
    }
}
