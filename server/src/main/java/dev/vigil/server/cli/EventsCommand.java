package dev.vigil.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vigil events}: event store commands (each sub-command is its own class). */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = "The event store: integrity verification, offline loading.",
        subcommands = {EventsVerifyCommand.class, EventsLoadCommand.class})
final class EventsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandLine.usage(spec.commandLine(), System.out);
    }
}
