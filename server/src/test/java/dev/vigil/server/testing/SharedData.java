package dev.vigil.server.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the third-party test data in {@code ../shared} (SigmaHQ corpus, regression samples, bench lanes):
 * {@code VIGIL_SHARED} wins, else {@code ../shared} beside the repository root. When it is absent the calling test is
 * skipped with a notice, except under {@code CI}, where absence is a failure.
 */
public final class SharedData {
    private SharedData() {}

    public static Path resolve(String relative) {
        String env = System.getenv("VIGIL_SHARED");
        Path root;
        if (env != null && !env.isBlank()) {
            root = Path.of(env);
        } else {
            String repo = System.getProperty("vigil.repo.root", System.getProperty("user.dir") + "/..");
            root = Path.of(repo).resolve("../shared").normalize();
        }
        Path p = root.resolve(relative);
        if (Files.exists(p)) {
            return p.toAbsolutePath().normalize();
        }
        String msg = "shared test data not found at " + p + " (set VIGIL_SHARED)";
        if (System.getenv("CI") != null) {
            fail(msg + " — required under CI");
        }
        System.err.println("NOTICE: skipping, " + msg);
        abort(msg);
        return p;
    }
}
