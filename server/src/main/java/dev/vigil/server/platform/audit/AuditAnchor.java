package dev.vigil.server.platform.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code DATA_DIR/audit-head}: the head ({@code seq hash}) of the last intact verification, written by the server
 * outside the database so that {@code ./vigil audit verify --data-dir} notices entries cut off the end even when the
 * checkpoints table was edited too. Copy it (or the verification log line) elsewhere for stronger anchoring.
 */
public final class AuditAnchor {
    public static final String FILE = "audit-head";

    private AuditAnchor() {}

    public record Head(long seq, String hash) {}

    public static String format(long seq, String hash) {
        return seq + " " + (hash == null ? "-" : hash) + "\n";
    }

    public static Optional<Head> read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Head(Long.parseLong(parts[0]), parts[1].equals("-") ? null : parts[1]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
