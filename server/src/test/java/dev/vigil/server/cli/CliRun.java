package dev.vigil.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs the vigil command line in-process, capturing standard output and error. */
record CliRun(int exit, String out, String err) {

    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new VigilCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The repository root (surefire passes it; falls back to the parent of the module directory). */
    static Path repo() {
        return Path.of(System.getProperty("vigil.repo.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    static String repo(String relative) {
        return repo().resolve(relative).toString();
    }
}
