package dev.vigil.server.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil ingest --source NAME FILE|DIR...}: the offline-file intake. Sends log files (one record per line, gzip
 * files too) to a running server's {@code POST /api/v1/ingest/{source}} in gzip-compressed chunks, so they are
 * parsed with the source's parser and evaluated like live logs. Bytes are sent as they are (invalid UTF-8 is reported
 * by the server, not replaced here); a 429 is retried after its {@code Retry-After}; rejected lines are printed with
 * their file and line number. Does not start Spring.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Send log files (one record per line; .gz too) to a running Vigil server's HTTP intake (needs an"
                + " ingest or admin token).")
final class IngestCommand implements Callable<Integer> {
    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Log file or directory (recursively).")
    List<Path> paths;

    @Option(names = "--source", required = true, paramLabel = "NAME", description = "The log source to attribute to.")
    String source;

    @Mixin
    RemoteOptions remote;

    @Option(names = "--chunk-lines", defaultValue = "5000", description = "Lines per request (default 5000).")
    int chunkLines;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = System.out;
        String base = remote.url();
        String auth = remote.token();
        if (auth == null) {
            System.err.println("vigil ingest: a token is needed (--token or $VIGIL_API_TOKEN)");
            return 2;
        }
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                System.err.println("vigil ingest: no such file: " + p);
                return 2;
            }
        }
        long accepted = 0;
        long rejected = 0;
        for (Path f : files) {
            long[] counts = send(f, URI.create(base + "/api/v1/ingest/" + source), auth, out);
            if (counts == null) {
                return 1;
            }
            accepted += counts[0];
            rejected += counts[1];
            out.printf("%s: %d accepted, %d rejected%n", f, counts[0], counts[1]);
        }
        out.printf("total: %d accepted, %d rejected into source %s%n", accepted, rejected, source);
        return rejected > 0 ? 3 : 0;
    }

    private long[] send(Path file, URI target, String auth, PrintStream out) throws IOException, InterruptedException {
        long[] counts = new long[2];
        try (InputStream in = open(file)) {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(1 << 20);
            int lines = 0;
            int firstLine = 1;
            int b;
            while ((b = in.read()) >= 0) {
                chunk.write(b);
                if (b == '\n' && ++lines == chunkLines) {
                    if (!post(chunk.toByteArray(), file, firstLine, target, auth, counts, out)) {
                        return null;
                    }
                    firstLine += lines;
                    lines = 0;
                    chunk.reset();
                }
            }
            if (chunk.size() > 0 && !post(chunk.toByteArray(), file, firstLine, target, auth, counts, out)) {
                return null;
            }
        }
        return counts;
    }

    private boolean post(byte[] body, Path file, int firstLine, URI target, String auth, long[] counts, PrintStream out)
            throws IOException, InterruptedException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(body);
        }
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + auth)
                .header("Content-Type", "application/x-ndjson")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray()))
                .build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 429 && attempt < 600) {
                long wait = r.headers().firstValueAsLong("Retry-After").orElse(1);
                Thread.sleep(Duration.ofSeconds(Math.max(1, wait)));
                continue;
            }
            if (r.statusCode() != 200) {
                System.err.printf("vigil ingest: %s: HTTP %d %s%n", file, r.statusCode(), r.body());
                return false;
            }
            tools.jackson.databind.JsonNode answer = JSON.readTree(r.body());
            counts[0] += answer.path("accepted").asLong();
            counts[1] += answer.path("rejected").asLong();
            for (tools.jackson.databind.JsonNode e : answer.path("errors")) {
                out.printf(
                        "  %s:%d: %s%n",
                        file,
                        firstLine - 1 + e.path("line").asInt(),
                        e.path("reason").asString());
            }
            if (answer.path("errorsTruncated").asBoolean()) {
                out.printf(
                        "  %s: more rejected lines than listed (see GET /api/v1/sources/%s/rejections)%n",
                        file, source);
            }
            if (answer.hasNonNull("note")) {
                out.printf("  note: %s%n", answer.path("note").asString());
            }
            return true;
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }
}
