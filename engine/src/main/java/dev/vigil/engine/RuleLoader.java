package dev.vigil.engine;

import dev.vigil.engine.rule.CorrelationRule;
import dev.vigil.engine.rule.RuleException;
import dev.vigil.engine.rule.RuleParser;
import dev.vigil.engine.rule.SigmaFilter;
import dev.vigil.engine.rule.SigmaRule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.constructor.json.ConstructYamlJsonBool;
import org.snakeyaml.engine.v2.constructor.json.ConstructYamlJsonFloat;
import org.snakeyaml.engine.v2.constructor.json.ConstructYamlJsonInt;
import org.snakeyaml.engine.v2.exceptions.ConstructorException;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads Sigma rules, filters and correlation rules from files, directories (recursively, {@code *.yml} and {@code
 * *.yaml}, hidden folders skipped) and {@code .zip} archives (such as the SigmaHQ release packages). Multi-document
 * YAML is allowed. Every document either loads or becomes a {@link Refusal} with file, rule id, YAML path and
 * reason; a bad document never stops the others. Rule ids must be unique: a second rule with a known id is refused.
 *
 * <p>YAML is parsed with snakeyaml-engine (YAML 1.2: {@code yes}/{@code on} stay strings) with duplicate keys
 * rejected and alias expansion bounded. Files are parsed in parallel; results keep input order.
 */
public final class RuleLoader {
    private final LoaderOptions options;
    private final RuleParser parser;

    private RuleLoader(LoaderOptions options) {
        this.options = options;
        this.parser = new RuleParser(options.placeholders());
    }

    public static RuleLoader create(LoaderOptions options) {
        return new RuleLoader(options == null ? LoaderOptions.defaults() : options);
    }

    /** A unit of text to parse: origin name and content (or why it could not be read). */
    private record Source(String origin, String text, String error) {}

    /** Loads files, directories and zip archives. Unreadable paths become refusals. */
    public LoadResult load(List<Path> paths) {
        List<Source> sources = new ArrayList<>();
        for (Path p : paths) collect(p, sources);
        List<LoadResult> parts = IntStream.range(0, sources.size())
                .parallel()
                .mapToObj(i -> parse(sources.get(i)))
                .toList();
        return merge(parts);
    }

    /** Loads one file's text (multi-document YAML allowed); {@code origin} names it in refusals. */
    public LoadResult loadText(String origin, String yaml) {
        return merge(List.of(parse(new Source(origin, yaml, null))));
    }

    private void collect(Path p, List<Source> out) {
        String name = p.toString();
        if (!Files.exists(p)) {
            out.add(new Source(name, null, "no such file or directory"));
            return;
        }
        if (Files.isDirectory(p)) {
            try (Stream<Path> walk = Files.walk(p)) {
                List<Path> files = walk.filter(f -> !hidden(p, f))
                        .filter(Files::isRegularFile)
                        .filter(f -> isYaml(f) || isZip(f))
                        .sorted()
                        .toList();
                for (Path f : files) collect(f, out);
            } catch (IOException | java.io.UncheckedIOException e) {
                out.add(new Source(name, null, "cannot read directory: " + e.getMessage()));
            }
            return;
        }
        if (isZip(p)) {
            readZip(p, out);
            return;
        }
        try {
            long size = Files.size(p);
            if (size > options.maxFileBytes()) {
                out.add(new Source(
                        name, null, "file is " + size + " bytes, larger than the limit of " + options.maxFileBytes()));
                return;
            }
            out.add(decode(name, Files.readAllBytes(p)));
        } catch (IOException e) {
            out.add(new Source(name, null, "cannot read: " + e.getMessage()));
        }
    }

    private static boolean hidden(Path root, Path f) {
        Path rel = root.relativize(f);
        for (Path part : rel) if (part.toString().startsWith(".")) return true;
        return false;
    }

    private static boolean isYaml(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yml") || n.endsWith(".yaml");
    }

    private static boolean isZip(Path f) {
        return f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    private void readZip(Path zip, List<Source> out) {
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            int count = 0;
            List<? extends ZipEntry> entries = zf.stream()
                    .filter(e -> !e.isDirectory())
                    .sorted(java.util.Comparator.comparing(ZipEntry::getName))
                    .toList();
            for (ZipEntry e : entries) {
                String origin = zip + "!/" + e.getName();
                String lower = e.getName().toLowerCase(Locale.ROOT);
                if (!(lower.endsWith(".yml") || lower.endsWith(".yaml"))) continue;
                if (++count > options.maxZipEntries()) {
                    out.add(new Source(
                            zip.toString(),
                            null,
                            "more than " + options.maxZipEntries() + " rule files; the rest is skipped"));
                    return;
                }
                try (InputStream in = zf.getInputStream(e)) {
                    byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, options.maxFileBytes() + 1));
                    if (data.length > options.maxFileBytes()) {
                        out.add(new Source(
                                origin,
                                null,
                                "entry is larger than the limit of " + options.maxFileBytes() + " bytes"));
                        continue;
                    }
                    out.add(decode(origin, data));
                }
            }
        } catch (IOException e) {
            out.add(new Source(zip.toString(), null, "cannot read zip archive: " + e.getMessage()));
        }
    }

    private static Source decode(String origin, byte[] data) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
            if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
            return new Source(origin, text, null);
        } catch (CharacterCodingException e) {
            return new Source(origin, null, "not valid UTF-8");
        }
    }

    /** All documents of a text, parsed through {@link GuardedYamlParser} so the loader's limits apply. */
    private Iterable<Object> loadAll(Source src, boolean marks) {
        LoadSettings settings = settings(src.origin(), marks, src.text().length());
        Composer composer = new Composer(
                settings,
                new GuardedYamlParser(
                        new ParserImpl(settings, new StreamReader(settings, src.text())),
                        options.maxYamlDepth(),
                        options.maxAliasNodes(),
                        options.maxDocuments()));
        StandardConstructor constructor = new StandardConstructor(settings);
        return () -> new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return composer.hasNext();
            }

            @Override
            public Object next() {
                return constructor.constructSingleDocument(Optional.of(composer.next()));
            }
        };
    }

    /**
     * Parser settings. Marks (line/column bookkeeping) cost a third of the parse time and are only needed for error
     * messages, so documents are parsed without them and a failing file is parsed again with them for the message.
     */
    private LoadSettings settings(String origin, boolean marks, int length) {
        return LoadSettings.builder()
                .setLabel(origin)
                .setUseMarks(marks)
                .setAllowDuplicateKeys(false)
                // aliases are counted (and located) per document by GuardedYamlParser
                .setMaxAliasesForCollections(Integer.MAX_VALUE)
                .setAllowRecursiveKeys(false)
                // the whole text in one buffer: snakeyaml's StreamReader copies its window of unconsumed text on each
                // refill of a 1024-character buffer, and a scalar is consumed only once scanned to its end, so a
                // value of n characters cost n²/1024 copies (1 MB: 0.35 s, 2 MB: 1.4 s; now 15 and 25 ms)
                .setBufferSize(Math.max(1024, length + 1))
                .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, Math.max(1024, options.maxFileBytes())))
                .setTagConstructors(STRICT_SCALARS)
                .build();
    }

    /**
     * The JSON schema's constructors for explicitly tagged scalars, made strict and located: {@code !!int 0x1F} or
     * {@code !!float abc} failed with a bare {@code NumberFormatException} text and no line, and {@code !!bool maybe}
     * silently became null (a rule matching absent fields).
     */
    private static final Map<Tag, ConstructNode> STRICT_SCALARS = Map.of(
            Tag.INT, strict(new ConstructYamlJsonInt(), "an integer"),
            Tag.FLOAT, strict(new ConstructYamlJsonFloat(), "a number"),
            Tag.BOOL, strict(new ConstructYamlJsonBool(), "a boolean"));

    private static ConstructNode strict(ConstructNode delegate, String what) {
        return node -> {
            Object v;
            try {
                v = delegate.construct(node);
            } catch (RuntimeException e) {
                v = null;
            }
            if (v == null) {
                String text = node instanceof ScalarNode sn ? sn.getValue() : String.valueOf(node.getNodeType());
                if (text.length() > 100) text = text.substring(0, 100) + "…";
                throw new ConstructorException(
                        null, Optional.empty(), "'" + text + "' is not " + what, node.getStartMark());
            }
            return v;
        };
    }

    @SuppressWarnings("unchecked")
    private LoadResult parse(Source src) {
        List<SigmaRule> rules = new ArrayList<>();
        List<SigmaFilter> filters = new ArrayList<>();
        List<CorrelationRule> correlations = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>();
        if (src.error() != null) {
            refusals.add(new Refusal(src.origin(), "-", "", src.error()));
            return new LoadResult(rules, filters, correlations, refusals);
        }
        int docIndex = 0;
        try {
            for (Object doc : loadAll(src, false)) {
                docIndex++;
                if (doc == null) continue;
                String path = docIndex > 1 ? "document " + docIndex + ": " : "";
                if (!(doc instanceof Map<?, ?> raw)) {
                    refusals.add(new Refusal(src.origin(), "-", "", path + "document is not a YAML map"));
                    continue;
                }
                Map<String, Object> m = stringKeys(raw);
                String id = RuleParser.idOf(m);
                try {
                    switch (RuleParser.kind(m)) {
                        case RULE -> rules.add(parser.parseRule(m, src.origin()));
                        case FILTER -> filters.add(parser.parseFilter(m, src.origin()));
                        case CORRELATION -> correlations.add(parser.parseCorrelation(m, src.origin()));
                    }
                } catch (RuleException e) {
                    refusals.add(new Refusal(src.origin(), id == null ? "-" : id, path + e.yamlPath(), e.reason()));
                } catch (RuntimeException e) {
                    refusals.add(new Refusal(
                            src.origin(), id == null ? "-" : id, path, "internal error while parsing: " + e));
                }
            }
        } catch (YamlEngineException e) {
            e = withMarks(src, e);
            refusals.add(new Refusal(
                    src.origin(),
                    "-",
                    docIndex > 0 ? "document " + (docIndex + 1) : "",
                    (e instanceof GuardedYamlParser.LimitException ? "" : "invalid YAML: ") + yamlMessage(e)));
        } catch (StackOverflowError e) {
            refusals.add(new Refusal(src.origin(), "-", "", "YAML nested too deeply to be a rule"));
        }
        return new LoadResult(rules, filters, correlations, refusals);
    }

    /** The same error with line and column: parse the text again with marks on. */
    private YamlEngineException withMarks(Source src, YamlEngineException first) {
        try {
            for (Object ignored : loadAll(src, true)) {
                // walk all documents until the error recurs
            }
        } catch (YamlEngineException e) {
            return e;
        } catch (StackOverflowError e) {
            return first;
        }
        return first;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> raw) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        raw.forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    private static String yamlMessage(YamlEngineException e) {
        if (e instanceof MarkedYamlEngineException me) {
            String problem = me.getProblem();
            var mark = me.getProblemMark();
            if (mark.isPresent()) {
                return problem + " (line " + (mark.get().getLine() + 1) + ", column "
                        + (mark.get().getColumn() + 1) + ")";
            }
            return problem;
        }
        String msg = e.getMessage();
        int nl = msg == null ? -1 : msg.indexOf('\n');
        return nl > 0 ? msg.substring(0, nl) : String.valueOf(msg);
    }

    private static LoadResult merge(List<LoadResult> parts) {
        List<SigmaRule> rules = new ArrayList<>();
        List<SigmaFilter> filters = new ArrayList<>();
        List<CorrelationRule> correlations = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (LoadResult p : parts) {
            for (SigmaRule r : p.rules()) {
                String id = r.info().id();
                String seen = id == null ? null : ids.putIfAbsent(id, r.info().file());
                if (seen != null) {
                    refusals.add(new Refusal(
                            r.info().file(), id, "id", "duplicate rule id (already loaded from " + seen + ")"));
                } else {
                    rules.add(r);
                }
            }
            for (CorrelationRule c : p.correlations()) {
                String id = c.id();
                String seen = id == null ? null : ids.putIfAbsent(id, c.file());
                if (seen != null) {
                    refusals.add(
                            new Refusal(c.file(), id, "id", "duplicate rule id (already loaded from " + seen + ")"));
                } else {
                    correlations.add(c);
                }
            }
            filters.addAll(p.filters());
            refusals.addAll(p.refusals());
        }
        return new LoadResult(rules, filters, correlations, refusals);
    }
}
