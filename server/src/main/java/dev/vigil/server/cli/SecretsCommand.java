package dev.vigil.server.cli;

import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vigil secrets}: the at-rest key rotation of a running server ({@code status}, {@code rotate}). Both talk to
 * {@code /api/v1/system/secrets} with an API token (system_read for status, system_write for rotate), so the server
 * that holds the keys does the work and audits it; no key material leaves it, only key ids.
 */
@Command(
        name = "secrets",
        mixinStandardHelpOptions = true,
        description = "At-rest secrets of a running server: key ids, sealed values per key, key rotation.",
        subcommands = {SecretsStatusCommand.class, SecretsRotateCommand.class})
final class SecretsCommand implements Runnable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandLine.usage(spec.commandLine(), System.out);
    }

    /** Thrown for an answer the command cannot use; the message is what the user reads. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** The JSON of a successful answer, or {@link Refused} naming what went wrong (and what to do). */
    static JsonNode body(ApiClient.Response r, String permission) throws Refused {
        if (r.ok()) {
            return JSON.readTree(r.body());
        }
        String detail = detail(r.body());
        throw new Refused(
                switch (r.status()) {
                    case 401 -> "the server did not accept the token (401" + detail + ")";
                    case 403 -> "the token lacks the " + permission + " permission (403" + detail + ")";
                    case 404 -> "the server has no secrets API (404): is it a Vigil server of this version?";
                    default -> "the server answered " + r.status() + detail;
                });
    }

    private static String detail(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            String d = n.path("detail").asString("");
            return d.isBlank() ? "" : ": " + Terminal.safe(d);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Where every sealed value stands, as {@code vigil secrets status} prints it. */
    static void printStatus(java.io.PrintWriter out, JsonNode s) {
        String current = s.path("keyId").asString();
        java.util.List<String> previous = new java.util.ArrayList<>();
        s.path("previousKeyIds").forEach(p -> previous.add(p.asString()));
        out.printf("current key:   %s%n", current);
        out.printf("previous keys: %s%n", previous.isEmpty() ? "(none)" : String.join(", ", previous));
        java.util.Map<String, Long> totals = new java.util.TreeMap<>();
        long unreadable = 0;
        for (JsonNode c : s.path("columns")) {
            c.path("byKey")
                    .properties()
                    .forEach(e -> totals.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            unreadable += c.path("unreadable").asLong();
        }
        out.println("sealed values per key:");
        out.printf("  %-18s %8d  (current)%n", current, totals.getOrDefault(current, 0L));
        for (String p : previous) {
            out.printf("  %-18s %8d  (previous)%n", p, totals.getOrDefault(p, 0L));
        }
        totals.forEach((k, n) -> {
            if (!k.equals(current) && !previous.contains(k)) {
                out.printf("  %-18s %8d%s%n", k, n, k.equals("legacy") ? "  (sealed before key ids)" : "");
            }
        });
        if (unreadable > 0) {
            out.printf("  %-18s %8d  (no configured key opens them)%n", "unreadable", unreadable);
        }
        out.println("per column:");
        for (JsonNode c : s.path("columns")) {
            StringBuilder line = new StringBuilder("  %-36s"
                    .formatted(Terminal.safe(c.path("table").asString()) + "."
                            + Terminal.safe(c.path("column").asString())));
            if (c.path("byKey").isEmpty() && c.path("unreadable").asLong() == 0) {
                line.append(" (empty)");
            }
            c.path("byKey")
                    .properties()
                    .forEach(e -> line.append(' ')
                            .append(Terminal.safe(e.getKey()))
                            .append('=')
                            .append(e.getValue().asLong()));
            if (c.path("unreadable").asLong() > 0) {
                line.append(" unreadable=").append(c.path("unreadable").asLong());
            }
            out.println(line);
        }
        long notCurrent = totals.entrySet().stream()
                .filter(e -> !e.getKey().equals(current))
                .mapToLong(java.util.Map.Entry::getValue)
                .sum();
        if (unreadable > 0) {
            out.printf(
                    "%d value(s) open with no configured key: add the missing key as a previous key, then rotate.%n",
                    unreadable);
        } else if (notCurrent > 0) {
            out.printf("%d value(s) are not under the current key: run vigil secrets rotate.%n", notCurrent);
        } else if (!previous.isEmpty()) {
            out.println("every value is under the current key: the previous keys may be removed.");
        } else {
            out.println("every value is under the current key.");
        }
    }

    /** The API client for {@code --url}/{@code --token} (or their variables), or {@link Refused} without a token. */
    static ApiClient client(RemoteOptions remote) throws Refused {
        String auth = remote.token();
        if (auth == null) {
            throw new Refused("an API token is needed (--token, $VIGIL_API_TOKEN or $VIGIL_BOOTSTRAP_API_TOKEN)");
        }
        return new ApiClient(remote.url(), auth);
    }

    /** Runs {@code action}, printing a failure as {@code vigil secrets <command>: <message>} and answering 2. */
    static int run(CommandSpec spec, String command, Action action) {
        try {
            return action.run();
        } catch (Refused | IOException e) {
            spec.commandLine().getErr().println("vigil secrets " + command + ": " + e.getMessage());
            return 2;
        }
    }

    interface Action {
        int run() throws Refused, IOException;
    }
}
