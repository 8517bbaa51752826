package dev.vigil.server;

import dev.vigil.server.cli.VigilCommand;
import picocli.CommandLine;

/**
 * Entry point of {@code vigil.jar} and the {@code ./vigil} launcher. Offline commands (scan, rules check, bench)
 * run without starting Spring; {@code server} and {@code demo} start the Spring Boot application.
 */
public final class VigilMain {
    private VigilMain() {}

    public static void main(String[] args) {
        int code = new CommandLine(new VigilCommand()).execute(args);
        if (code != 0 || !VigilCommand.keepRunning()) {
            System.exit(code);
        }
    }
}
