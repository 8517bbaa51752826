package dev.vigil.server.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code vigil secrets rotate [--yes]}: shows where the sealed values stand, asks for confirmation (unless
 * {@code --yes}), then has the server re-seal every value with its current key ({@code POST
 * /api/v1/system/secrets/rotate}, system_write; batched, resumable and audited under the token's name) and prints the
 * re-sealed count per column. Exit status: 0 every value is under the current key (the previous keys may be removed),
 * 1 rotated but some values open with no configured key (listed), 2 not rotated (no confirmation, refused, error).
 */
@Command(
        name = "rotate",
        mixinStandardHelpOptions = true,
        description =
                "Re-seal every at-rest secret with the server's current key (on a running server; needs a token with"
                        + " system_write).")
final class SecretsRotateCommand implements Callable<Integer> {
    /** Where the confirmation is read from (tests replace it). */
    static InputStream input = System.in;

    @Spec
    CommandSpec spec;

    @Mixin
    RemoteOptions remote;

    @Option(
            names = {"-y", "--yes"},
            description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--json", description = "Print the server's answer as JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return SecretsCommand.run(spec, "rotate", () -> {
            ApiClient api = SecretsCommand.client(remote);
            if (!yes) {
                JsonNode before = SecretsCommand.body(api.get("/api/v1/system/secrets"), "system_read");
                SecretsCommand.printStatus(out, before);
                out.printf(
                        "Re-seal every value with key %s? Every node must have this key as its current key and the"
                                + " old one among its previous keys. [y/N] ",
                        before.path("keyId").asString());
                out.flush();
                String answer = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8)).readLine();
                if (answer == null
                        || !(answer.strip().equalsIgnoreCase("y")
                                || answer.strip().toLowerCase(Locale.ROOT).equals("yes"))) {
                    throw new SecretsCommand.Refused(
                            answer == null
                                    ? "not confirmed (no input; use --yes to rotate without asking)"
                                    : "not confirmed; nothing was changed");
                }
            }
            JsonNode r = SecretsCommand.body(api.postJson("/api/v1/system/secrets/rotate", ""), "system_write");
            if (json) {
                out.println(SecretsCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
            } else {
                print(out, r);
            }
            out.flush();
            return r.path("complete").asBoolean() ? 0 : 1;
        });
    }

    static void print(PrintWriter out, JsonNode r) {
        out.printf(
                "re-sealed %d value(s) with key %s%n",
                r.path("resealed").asLong(), r.path("keyId").asString());
        for (JsonNode c : r.path("columns")) {
            out.printf(
                    "  %-36s resealed=%d already-current=%d%s%n",
                    Terminal.safe(c.path("table").asString()) + "."
                            + Terminal.safe(c.path("column").asString()),
                    c.path("resealed").asLong(),
                    c.path("alreadyCurrent").asLong(),
                    c.path("unreadable").asLong() == 0
                            ? ""
                            : " unreadable=" + c.path("unreadable").asLong() + " (rows "
                                    + Terminal.safe(c.path("unreadableRows").toString()) + ")");
        }
        if (r.path("complete").asBoolean()) {
            out.println("complete: every value is under the current key; the previous keys may be removed.");
        } else {
            out.println("INCOMPLETE: some values open with no configured key and were left as they are;"
                    + " add the missing key as a previous key and rotate again.");
        }
    }
}
