package dev.vigil.server.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.security.ApiScope;
import dev.vigil.server.testing.VigilServerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@VigilServerTest
class BootstrapTokenTest {
    @Autowired
    BootstrapToken bootstrap;

    @Autowired
    JdbcApiTokenService tokens;

    @Test
    void withoutABootstrapTokenTheInitialAdminTokenIsWrittenToAPrivateFile() throws Exception {
        Path file = bootstrap.writeInitialToken();
        String token = Files.readString(file).trim();
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(tokens.authenticate(token)).hasValueSatisfying(p -> {
            assertThat(p.scope()).isEqualTo(ApiScope.API);
            assertThat(p.roles()).containsExactly(dev.vigil.server.platform.access.Role.ADMIN);
            assertThat(p.name()).isEqualTo("initial-admin");
        });
        assertThat(tokens.revoke(tokens.authenticate(token).orElseThrow().tokenId()))
                .isTrue();
        assertThat(tokens.authenticate(token)).isEmpty();
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void tokensAreStoredOnlyAsHashes() {
        assertThat(tokens.exists(VigilServerTest.ADMIN_TOKEN)).isTrue();
        // No column of any token row (rendered as text) contains the secret.
        long leaking = jdbc.sql("select count(*) from api_tokens t where t::text like ?")
                .param("%" + VigilServerTest.ADMIN_TOKEN + "%")
                .query(Long.class)
                .single();
        assertThat(leaking).isZero();
        long hashed = jdbc.sql("select count(*) from api_tokens where token_hash = sha256(convert_to(?, 'UTF8'))")
                .param(VigilServerTest.ADMIN_TOKEN)
                .query(Long.class)
                .single();
        assertThat(hashed).isEqualTo(1);
    }
}
