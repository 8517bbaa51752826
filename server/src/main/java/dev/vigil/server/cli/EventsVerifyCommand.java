package dev.vigil.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vigil events verify [--from T] [--to T]}: asks a running server to verify its event store against the
 * tamper-evident chain ({@code POST /api/v1/events/verifications}, trigger {@code cli}), waits for the result and
 * prints it: the batches (chain position, partition, ids, receive and event time ranges) that were modified, removed,
 * reordered or inserted. The server does the work (it holds the index and the ledger, and keeps the result as
 * evidence); this command does not open the data directory and does not start Spring. Exit status: 0 clean,
 * 1 tampered, 2 the verification could not run.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description =
                "Verify the integrity of the stored events against their hash chain (on a running server; needs an"
                        + " admin token).")
final class EventsVerifyCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "Only batches received at or after TIME (ISO-8601, a date, now-7d, ...). Default: all.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Only batches received before TIME. Default: all.")
    String to;

    @Mixin
    RemoteOptions remote;

    @Option(names = "--json", description = "Print the verification as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = System.out;
        String base = remote.url();
        String auth = remote.token();
        if (auth == null) {
            System.err.println("vigil events verify: an admin token is needed (--token or $VIGIL_API_TOKEN)");
            return 2;
        }
        ApiClient api = new ApiClient(base, auth);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from);
        body.put("to", to);
        body.put("trigger", "cli");
        ApiClient.Response r = api.postJson("/api/v1/events/verifications", JSON.writeValueAsString(body));
        if (!r.ok()) {
            System.err.println("vigil events verify: the server answered " + r.status() + ": " + r.body());
            return 2;
        }
        JsonNode v = JSON.readTree(r.body());
        String id = v.get("id").asString();
        while (v.get("status").asString().equals("running")) {
            TimeUnit.SECONDS.sleep(1);
            ApiClient.Response g = api.get("/api/v1/events/verifications/" + id);
            if (!g.ok()) {
                System.err.println("vigil events verify: the server answered " + g.status() + ": " + g.body());
                return 2;
            }
            v = JSON.readTree(g.body());
        }
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(v));
        } else {
            print(out, v);
        }
        return switch (v.get("status").asString()) {
            case "clean" -> 0;
            case "tampered" -> 1;
            default -> 2;
        };
    }

    static void print(PrintStream out, JsonNode v) {
        String status = v.get("status").asString();
        out.printf(
                "verification %s: %s%n  %d batches re-read (%d events), %d retired by retention (chain only)%n",
                v.get("id").asString(),
                status.toUpperCase(java.util.Locale.ROOT),
                v.path("batchesChecked").asLong(),
                v.path("eventsChecked").asLong(),
                v.path("batchesRetired").asLong());
        if (!v.path("headBatch").isNull() && v.has("headBatch")) {
            out.printf(
                    "  chain head: batch %d, digest %s%n",
                    v.get("headBatch").asLong(), v.path("headDigest").asString(""));
        }
        if (v.path("unsealedEvents").asLong() > 0) {
            out.printf(
                    "  %d events stored after the last seal are not covered yet%n",
                    v.path("unsealedEvents").asLong());
        }
        if (status.equals("failed")) {
            out.println("  error: " + v.path("error").asString(""));
        }
        for (JsonNode p : v.path("problems")) {
            // what the finding names: a batch (with its ids and times), or a whole partition
            StringBuilder line =
                    new StringBuilder("  %-17s".formatted(p.path("kind").asString()));
            if (present(p, "batchNo")) {
                line.append(" batch ").append(text(p, "batchNo")).append(' ');
            }
            if (present(p, "partition")) {
                line.append(" partition ").append(text(p, "partition"));
            }
            if (present(p, "firstId")) {
                line.append("  ids ").append(text(p, "firstId")).append("..").append(text(p, "lastId"));
            }
            if (present(p, "firstReceived")) {
                line.append("  received ")
                        .append(text(p, "firstReceived"))
                        .append(" .. ")
                        .append(text(p, "lastReceived"));
            }
            if (present(p, "minEventTime")) {
                line.append("  event time ")
                        .append(text(p, "minEventTime"))
                        .append(" .. ")
                        .append(text(p, "maxEventTime"));
            }
            out.println(line.append("  ").append(p.path("detail").asString("")));
        }
        int count = v.path("problemCount").asInt();
        if (count > v.path("problems").size()) {
            out.printf("  ... %d problems in all%n", count);
        }
    }

    private static boolean present(JsonNode n, String field) {
        JsonNode x = n.get(field);
        return x != null && !x.isNull();
    }

    private static String text(JsonNode n, String field) {
        JsonNode x = n.get(field);
        return x == null || x.isNull() ? "-" : x.asString();
    }
}
