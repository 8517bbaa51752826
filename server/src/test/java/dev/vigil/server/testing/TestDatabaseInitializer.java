package dev.vigil.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points a Spring test context at a fresh database in the shared {@link TestPostgres} and a fresh data directory,
 * and sets the bootstrap admin token {@link VigilServerTest#ADMIN_TOKEN}.
 */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("vigil-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dataDir.toFile().deleteOnExit();
        TestPropertyValues.of(
                        "vigil.database.url=" + TestPostgres.newDatabase(),
                        "vigil.database.username=" + TestPostgres.username(),
                        "vigil.database.password=" + TestPostgres.password(),
                        "vigil.database.pool-size=8",
                        "vigil.data-dir=" + dataDir,
                        "vigil.security.bootstrap-api-token=" + VigilServerTest.ADMIN_TOKEN,
                        "vigil.security.admin-password=" + VigilServerTest.ADMIN_PASSWORD,
                        "spring.mail.host=127.0.0.1",
                        "spring.mail.port=" + TestMail.port(),
                        "vigil.security.oidc.enabled=true",
                        "vigil.security.oidc.display-name=Test SSO",
                        "vigil.security.oidc.issuer-uri=" + TestOidc.issuer(),
                        "vigil.security.oidc.client-id=" + TestOidc.CLIENT_ID,
                        "vigil.security.oidc.client-secret=test-client-secret",
                        "vigil.security.oidc.role-mapping.soc-analysts=analyst",
                        "vigil.security.oidc.role-mapping.soc-auditors=auditor")
                .applyTo(context);
        TestPostgres.closeBeforeStop(context);
    }
}
