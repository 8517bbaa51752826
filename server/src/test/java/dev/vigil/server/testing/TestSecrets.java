package dev.vigil.server.testing;

import dev.vigil.server.platform.DataDirectory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sealed values for key-rotation tests on the shared server: a value in the format from before key ids (nonce |
 * ciphertext | tag, no key id), sealed with the test server's own key, which the server opens but reports as
 * {@code legacy} until a rotation re-seals it under the current key id.
 */
public final class TestSecrets {
    private TestSecrets() {}

    /** Stores a legacy-format value under a new name in {@code platform_secrets}; returns the name. */
    public static String insertLegacy(JdbcClient jdbc, Environment env, DataDirectory data) {
        String name = "test-legacy-" + UUID.randomUUID();
        jdbc.sql("insert into platform_secrets (name, value) values (?, ?)")
                .params(name, legacy(key(env, data), "legacy secret " + name))
                .update();
        return name;
    }

    /** The stored value of {@code platform_secrets} row {@code name}. */
    public static byte[] value(JdbcClient jdbc, String name) {
        return jdbc.sql("select value from platform_secrets where name = ?")
                .param(name)
                .query(byte[].class)
                .single();
    }

    /** The test server's current key (configured, or the generated key file of its data directory). */
    static String key(Environment env, DataDirectory data) {
        for (String p : new String[] {"vigil.secrets.key", "vigil.webhooks.secret-key"}) {
            String v = env.getProperty(p);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        try {
            return Files.readString(data.root().resolve("webhook-key"), StandardCharsets.US_ASCII)
                    .strip();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A box in the format before key ids: nonce | ciphertext | tag. */
    public static byte[] legacy(String base64Key, String secret) {
        try {
            byte[] nonce = new byte[12];
            new java.security.SecureRandom().nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(Base64.getDecoder().decode(base64Key), "AES"),
                    new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(12 + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
