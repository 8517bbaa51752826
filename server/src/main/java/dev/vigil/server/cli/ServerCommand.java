package dev.vigil.server.cli;

import dev.vigil.server.VigilApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code vigil server}: runs the server until stopped (Ctrl-C or SIGTERM shut it down cleanly, stopping the bundled
 * PostgreSQL). Options become Spring properties with the highest precedence; everything else is configured through
 * {@code application.yaml}, {@code VIGIL_*} environment variables or {@code --spring.property=value} arguments.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = "Run the Vigil server (HTTP API, log intake, detection).")
final class ServerCommand implements Callable<Integer> {

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Data directory (bundled database, state). Default: ./vigil-data or $VIGIL_DATA_DIR.")
    Path dataDir;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port. Default: 8080 or $VIGIL_PORT.")
    Integer port;

    @Unmatched
    List<String> springArguments = new ArrayList<>();

    @Override
    public Integer call() {
        VigilApplication.create().run(springArgs(dataDir, port, springArguments));
        VigilCommand.markKeepRunning();
        return 0;
    }

    static String[] springArgs(Path dataDir, Integer port, List<String> extra) {
        List<String> args = new ArrayList<>();
        if (dataDir != null) {
            args.add("--vigil.data-dir=" + dataDir.toAbsolutePath());
        }
        if (port != null) {
            args.add("--server.port=" + port);
        }
        for (String a : extra) {
            if (!a.startsWith("--")) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(new ServerCommand()), "unknown argument: " + a);
            }
            args.add(a);
        }
        return args.toArray(String[]::new);
    }
}
