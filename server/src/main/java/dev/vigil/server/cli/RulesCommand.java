package dev.vigil.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vigil rules}: rule management sub-commands ({@code check}; more are registered beside it). */
@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Sigma rule tools.",
        subcommands = {RulesCheckCommand.class})
public final class RulesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandLine.usage(spec.commandLine(), System.out);
    }
}
