package dev.vigil.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vigil rules}: rule management commands (each sub-command is its own class). */
@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Manage Sigma rules.",
        subcommands = {RulesCheckCommand.class, RulesImportCommand.class})
final class RulesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandLine.usage(spec.commandLine(), System.out);
    }
}
