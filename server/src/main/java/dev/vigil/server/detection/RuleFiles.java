package dev.vigil.server.detection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads rule files from a YAML file, a directory tree or a zip archive (a SigmaHQ release such as
 * {@code sigma_all_rules.zip}). Only {@code .yml}/{@code .yaml} files count; hidden files and directories are skipped.
 * Archives are read with limits against zip bombs: at most {@link #MAX_FILES} files, {@link #MAX_FILE_BYTES} per file
 * (uncompressed, counted while inflating, not trusted from the header) and {@link #MAX_TOTAL_BYTES} in total; a file
 * over the limit or not valid UTF-8 is reported in {@code skipped}, never silently dropped.
 */
public final class RuleFiles {
    public static final int MAX_FILES = 100_000;
    public static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    public static final long MAX_TOTAL_BYTES = 512L * 1024 * 1024;

    private RuleFiles() {}

    /** Files read, and the ones skipped with a reason. */
    public record Read(List<RuleFile> files, List<RuleRefusal> skipped) {}

    /** Reads {@code path}: a zip archive (by content), a directory, or one YAML file. */
    public static Read read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return readDirectory(path);
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(4);
            if (isZip(head)) {
                try (InputStream zip = Files.newInputStream(path)) {
                    return readZip(zip, path.getFileName().toString());
                }
            }
        }
        List<RuleRefusal> skipped = new ArrayList<>();
        List<RuleFile> files = new ArrayList<>();
        if (Files.size(path) > MAX_FILE_BYTES) {
            skipped.add(tooLarge(path.toString()));
        } else {
            addText(files, skipped, path.toString(), Files.readAllBytes(path));
        }
        return new Read(files, skipped);
    }

    /** True when {@code head} starts with the zip local-file signature. */
    public static boolean isZip(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /** Reads the YAML files of a zip archive; {@code name} prefixes the origins ({@code name!/entry}). */
    public static Read readZip(InputStream in, String name) throws IOException {
        List<RuleFile> files = new ArrayList<>();
        List<RuleRefusal> skipped = new ArrayList<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.isDirectory() || !isRuleFile(entry.getName())) {
                    continue;
                }
                String origin = name + "!/" + entry.getName();
                if (files.size() + skipped.size() >= MAX_FILES) {
                    throw new IllegalArgumentException(name + ": more than " + MAX_FILES + " rule files");
                }
                long[] inflated = {0};
                byte[] data = readLimited(zip, MAX_FILE_BYTES, MAX_TOTAL_BYTES - total, inflated);
                total += inflated[0];
                if (total > MAX_TOTAL_BYTES) {
                    throw new IllegalArgumentException(
                            name + ": more than " + (MAX_TOTAL_BYTES >> 20) + " MiB of rule files");
                }
                if (data == null) {
                    skipped.add(tooLarge(origin));
                    continue;
                }
                addText(files, skipped, origin, data);
            }
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException(name + ": not a valid zip archive (" + e.getMessage() + ")");
        }
        return new Read(files, skipped);
    }

    private static Read readDirectory(Path dir) throws IOException {
        List<RuleFile> files = new ArrayList<>();
        List<RuleRefusal> skipped = new ArrayList<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.filter(Files::isRegularFile)
                    .filter(p -> isRuleFile(dir.relativize(p).toString()))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
        if (paths.size() > MAX_FILES) {
            throw new IllegalArgumentException(dir + ": more than " + MAX_FILES + " rule files");
        }
        for (Path p : paths) {
            if (Files.size(p) > MAX_FILE_BYTES) {
                skipped.add(tooLarge(p.toString()));
            } else {
                addText(files, skipped, p.toString(), Files.readAllBytes(p));
            }
        }
        return new Read(files, skipped);
    }

    static boolean isRuleFile(String name) {
        String n = name.replace('\\', '/');
        for (String part : n.split("/")) {
            if (part.startsWith(".") && !part.equals(".") && !part.equals("..")) {
                return false;
            }
        }
        String lower = n.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yml") || lower.endsWith(".yaml");
    }

    private static void addText(List<RuleFile> files, List<RuleRefusal> skipped, String origin, byte[] data) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(data))
                    .toString();
            if (text.indexOf('\0') >= 0) {
                skipped.add(new RuleRefusal(origin, "-", "", "contains NUL characters"));
                return;
            }
            files.add(new RuleFile(origin, text));
        } catch (CharacterCodingException e) {
            skipped.add(new RuleRefusal(origin, "-", "", "not valid UTF-8"));
        }
    }

    private static RuleRefusal tooLarge(String origin) {
        return new RuleRefusal(origin, "-", "", "larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
    }

    /**
     * Reads at most {@code limit} bytes; null when the entry has more. Oversized entries are drained (the zip format
     * needs it) but only up to {@code budget} inflated bytes; {@code inflated[0]} receives the bytes inflated.
     */
    private static byte[] readLimited(InputStream in, long limit, long budget, long[] inflated) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long n = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            n += r;
            inflated[0] = n;
            if (n > budget) {
                return null;
            }
            if (n <= limit) {
                out.write(buf, 0, r);
            }
        }
        return n > limit ? null : out.toByteArray();
    }
}
