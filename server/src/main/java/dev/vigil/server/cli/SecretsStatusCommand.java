package dev.vigil.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code vigil secrets status}: the current key id, the previous key ids and how many sealed values each key holds
 * (per column too), from {@code GET /api/v1/system/secrets} (system_read). Exit status: 0 shown, 2 could not ask.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show the at-rest key ids and the sealed values per key (on a running server; needs a token with"
                + " system_read).")
final class SecretsStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RemoteOptions remote;

    @Option(names = "--json", description = "Print the server's answer as JSON.")
    boolean json;

    @Override
    public Integer call() {
        return SecretsCommand.run(spec, "status", () -> {
            ApiClient api = SecretsCommand.client(remote);
            JsonNode s = SecretsCommand.body(api.get("/api/v1/system/secrets"), "system_read");
            if (json) {
                spec.commandLine()
                        .getOut()
                        .println(SecretsCommand.JSON
                                .writerWithDefaultPrettyPrinter()
                                .writeValueAsString(s));
            } else {
                SecretsCommand.printStatus(spec.commandLine().getOut(), s);
            }
            spec.commandLine().getOut().flush();
            return 0;
        });
    }
}
