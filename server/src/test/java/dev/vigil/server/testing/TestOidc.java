package dev.vigil.server.testing;

import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.springframework.boot.SpringApplication;

/**
 * ONE in-process OpenID Connect provider per test JVM (NAV's mock-oauth2-server on a free port), started on first use
 * and stopped after the Spring contexts. Every {@link VigilServerTest} context is configured for single sign-on with
 * it: client {@code vigil}, roles from the {@code groups} claim, {@code soc-analysts → analyst}.
 */
public final class TestOidc {
    public static final String ISSUER_ID = "vigil-test";
    public static final String CLIENT_ID = "vigil";
    private static MockOAuth2Server server;

    private TestOidc() {}

    public static synchronized MockOAuth2Server server() {
        if (server == null) {
            server = new MockOAuth2Server();
            server.start();
            SpringApplication.getShutdownHandlers().add(TestOidc::stop);
        }
        return server;
    }

    public static String issuer() {
        return server().issuerUrl(ISSUER_ID).toString();
    }

    /** The next sign-in at the provider is {@code subject} with these claims. */
    public static void nextUser(String subject, Map<String, Object> claims) {
        server().enqueueCallback(
                        new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(CLIENT_ID), claims, 3600));
    }

    private static synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server = null;
        }
    }
}
