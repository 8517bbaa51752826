package dev.vigil.server.governance;

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
    /** The log sources the story's records come in through (the demo creates them). */
    public static final List<String> SOURCES =
            List.of("shop-web", "linux-servers", "shop-cloud", "corp-windows", "corp-endpoints");

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
