package dev.vigil.server.cli;

import picocli.CommandLine.Command;

/**
 * The {@code vigil} command. Each sub-command is its own class in this package; register it in {@code subcommands}.
 */
@Command(
        name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Vigil: security incident detection and response.",
        subcommands = {
            ServerCommand.class,
            DemoCommand.class,
            ScanCommand.class,
            RulesCommand.class,
            IngestCommand.class,
            BenchCommand.class,
            EventsCommand.class,
            AuditCommand.class,
            SecretsCommand.class
        })
public final class VigilCommand implements Runnable {
    private static volatile boolean keepRunning;

    /** True when a command started a long-running service (the JVM must not exit after {@code execute}). */
    public static boolean keepRunning() {
        return keepRunning;
    }

    /** Called by commands that start a service which keeps running after the command returns. */
    public static void markKeepRunning() {
        keepRunning = true;
    }

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }
}
