package dev.vigil.server.cli;

import dev.vigil.server.detection.RuleFile;
import dev.vigil.server.detection.RuleFiles;
import dev.vigil.server.detection.RuleRefusal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vigil rules import PATH...}: imports rule files, directories or SigmaHQ release zips into a running server
 * ({@code POST /api/v1/rules/import}); the server stores them and hot-reloads its rule set. Directories and single
 * files are packed into a zip on the fly; release zips are sent as they are. Does not start Spring.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description =
                "Import Sigma rules (files, directories or a SigmaHQ release zip) into a running Vigil server (needs"
                        + " an admin token).")
final class RulesImportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Rule file, directory or zip archive.")
    List<Path> paths;

    @Mixin
    RemoteOptions remote;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        String base = remote.url();
        String auth = remote.token();
        if (auth == null) {
            System.err.println("vigil rules import: an admin token is needed (--token or $VIGIL_API_TOKEN)");
            return 2;
        }
        ApiClient api = new ApiClient(base, auth);
        int status = 0;
        for (Path path : paths) {
            if (!Files.exists(path)) {
                System.err.println(path + ": no such file or directory");
                status = 2;
                continue;
            }
            byte[] body;
            String origin = path.getFileName() == null
                    ? path.toString()
                    : path.getFileName().toString();
            String contentType;
            byte[] head;
            try (var in = Files.newInputStream(path)) {
                head = Files.isDirectory(path) ? new byte[0] : in.readNBytes(4);
            } catch (IOException e) {
                head = new byte[0];
            }
            if (!Files.isDirectory(path) && RuleFiles.isZip(head)) {
                body = Files.readAllBytes(path);
                contentType = "application/zip";
            } else {
                RuleFiles.Read read = RuleFiles.read(path);
                for (RuleRefusal s : read.skipped()) {
                    out.println("  skipped " + s.origin() + ": " + s.reason());
                }
                if (read.files().isEmpty()) {
                    System.err.println(path + ": no .yml or .yaml rule files");
                    status = 2;
                    continue;
                }
                body = zip(path, read.files());
                contentType = "application/zip";
            }
            ApiClient.Response r = api.post(
                    "/api/v1/rules/import?origin=" + URLEncoder.encode(origin, StandardCharsets.UTF_8),
                    contentType,
                    body);
            if (!r.ok()) {
                System.err.println(path + ": the server answered " + r.status() + ": " + r.body());
                status = 1;
                continue;
            }
            JsonNode result = JsonMapper.builder().build().readTree(r.body());
            out.printf(
                    "%s: %d files, %d added, %d updated, %d unchanged, %d removed, %d refused; %d rules active%n",
                    path,
                    result.path("files").asInt(),
                    result.path("added").asInt(),
                    result.path("updated").asInt(),
                    result.path("unchanged").asInt(),
                    result.path("removed").asInt(),
                    result.path("refused").size(),
                    result.path("activeRules").asInt());
            for (JsonNode x : result.path("refused")) {
                out.printf(
                        "  refused %s [%s] %s%s%n",
                        x.path("origin").asString(),
                        x.path("ruleId").asString(),
                        x.path("yamlPath").asString().isEmpty()
                                ? ""
                                : x.path("yamlPath").asString() + ": ",
                        x.path("reason").asString());
            }
        }
        return status;
    }

    /** Packs the files read from a directory or file into a zip; entry names are relative to {@code root}. */
    static byte[] zip(Path root, List<RuleFile> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path abs = root.toAbsolutePath().normalize();
        Path base = Files.isDirectory(abs) ? abs : abs.getParent();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            for (RuleFile f : files) {
                String name = base.relativize(
                                Path.of(f.origin()).toAbsolutePath().normalize())
                        .toString();
                zip.putNextEntry(new ZipEntry(name.replace('\\', '/')));
                zip.write(f.yaml().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
