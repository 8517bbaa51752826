package dev.vigil.server.cli;

import dev.vigil.server.platform.LocalDatabase;
import dev.vigil.server.platform.audit.AuditAnchor;
import dev.vigil.server.platform.audit.AuditChain;
import dev.vigil.server.platform.audit.ChainVerification;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vigil audit verify}: checks the audit log's hash chain and exits 0 when it is intact, 1 when an entry was
 * edited, deleted or cut off, 2 when it could not check. Reads PostgreSQL directly, without Spring and without
 * trusting the server: the bundled database of {@code --data-dir} (the running server's, or started for the check)
 * or an external one ({@code --jdbc-url}). With {@code --url} it asks a running server instead (needs an auditor or
 * admin token).
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Verify the audit log's hash chain (exit 0 intact, 1 tampered, 2 error).")
final class AuditVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Data directory with the bundled database. Default: ./vigil-data or $VIGIL_DATA_DIR.")
    Path dataDir;

    @Option(names = "--jdbc-url", paramLabel = "URL", description = "An external PostgreSQL (jdbc:postgresql://...).")
    String jdbcUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user (or $VIGIL_DATABASE_USERNAME).")
    String dbUser;

    @Option(
            names = "--db-password-file",
            paramLabel = "FILE",
            description = "File with the database password (or $VIGIL_DATABASE_PASSWORD).")
    Path dbPasswordFile;

    @Option(names = "--url", paramLabel = "URL", description = "Ask a running server instead (e.g. http://host:8080).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token for --url (or $VIGIL_TOKEN).")
    String token;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ChainVerification v;
            String anchorProblem = null;
            if (url != null) {
                v = viaApi(url, token != null ? token : System.getenv("VIGIL_TOKEN"));
            } else if (jdbcUrl != null) {
                try (Connection c = DriverManager.getConnection(jdbcUrl, credentials())) {
                    v = AuditChain.verify(c, Instant.now());
                }
            } else {
                Path dir = dataDir != null
                        ? dataDir
                        : Path.of(Optional.ofNullable(System.getenv("VIGIL_DATA_DIR"))
                                .orElse("vigil-data"));
                try (LocalDatabase db = LocalDatabase.open(dir)) {
                    v = AuditChain.verify(db.connection(), Instant.now());
                    Optional<AuditAnchor.Head> anchor = AuditAnchor.read(dir.toAbsolutePath());
                    if (v.intact() && anchor.isPresent()) {
                        anchorProblem = AuditChain.compareAnchor(
                                db.connection(),
                                v.headSeq(),
                                anchor.get().seq(),
                                anchor.get().hash(),
                                "the server's last verification (" + AuditAnchor.FILE + ")");
                    }
                }
            }
            if (v.intact() && anchorProblem == null) {
                out.printf(
                        "audit log intact: %d entries, head %d %s%n",
                        v.entries(), v.headSeq(), v.headHash() == null ? "(empty)" : v.headHash());
                return 0;
            }
            out.printf("AUDIT LOG TAMPERED: %s%n", anchorProblem != null ? anchorProblem : v.problem());
            if (v.firstBadSeq() != null) {
                out.printf("first bad entry: %d (%d entries checked)%n", v.firstBadSeq(), v.entries());
            }
            return 1;
        } catch (Exception e) {
            err.println("vigil audit verify: " + e.getMessage());
            return 2;
        }
    }

    private Properties credentials() throws java.io.IOException {
        Properties p = new Properties();
        String user = dbUser != null ? dbUser : System.getenv("VIGIL_DATABASE_USERNAME");
        if (user != null) {
            p.setProperty("user", user);
        }
        String password = dbPasswordFile != null
                ? Files.readString(dbPasswordFile, StandardCharsets.UTF_8).strip()
                : System.getenv("VIGIL_DATABASE_PASSWORD");
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    private static ChainVerification viaApi(String url, String token) throws java.io.IOException {
        ApiClient.Response r = new ApiClient(url, token).post("/api/v1/audit/verify", "application/json", new byte[0]);
        if (!r.ok()) {
            throw new java.io.IOException("the server answered " + r.status() + ": " + r.body());
        }
        JsonNode n = JsonMapper.builder().build().readTree(r.body());
        return new ChainVerification(
                n.path("intact").asBoolean(),
                n.path("entries").asLong(),
                n.path("headSeq").asLong(),
                n.path("headHash").isNull() ? null : n.path("headHash").asString(),
                n.path("firstBadSeq").isNull() || n.path("firstBadSeq").isMissingNode()
                        ? null
                        : n.path("firstBadSeq").asLong(),
                n.path("problem").isNull() || n.path("problem").isMissingNode()
                        ? null
                        : n.path("problem").asString(),
                Instant.now());
    }
}
