package dev.vigil.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vigil rules}: rule management commands (each sub-command is its own class). */
@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Manage Sigma rules.",
        subcommands = {RulesImportCommand.class})
final class RulesCommand implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
