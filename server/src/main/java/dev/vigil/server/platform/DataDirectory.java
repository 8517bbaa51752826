package dev.vigil.server.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's data directory ({@code --data-dir}, {@code vigil.data-dir}, default {@code ./vigil-data}). Modules
 * keep their files in a sub-directory named after themselves, e.g. {@code pg/} for the bundled database.
 */
public record DataDirectory(Path root) {

    public DataDirectory {
        root = root.toAbsolutePath().normalize();
    }

    /** The sub-directory {@code name}, created when missing. */
    public Path directory(String name) {
        Path dir = root.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir, e);
        }
        return dir;
    }
}
