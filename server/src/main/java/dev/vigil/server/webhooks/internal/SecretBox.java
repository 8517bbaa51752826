package dev.vigil.server.webhooks.internal;

import dev.vigil.server.platform.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Encrypts webhook secrets at rest with AES-256-GCM (12-byte random nonce, stored before the ciphertext). HMAC
 * signing needs the secret itself, so it cannot be hashed like a token; encrypting it keeps a database dump from
 * revealing it. The key is {@code vigil.webhooks.secret-key} or a generated {@code DATA_DIR/webhook-key} (mode 600).
 */
@Component
class SecretBox {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    SecretBox(WebhookProperties properties, DataDirectory dataDirectory) {
        this.key = new SecretKeySpec(keyBytes(properties, dataDirectory.root().resolve("webhook-key")), "AES");
    }

    private static byte[] keyBytes(WebhookProperties properties, Path file) {
        String configured = properties.secretKey();
        try {
            if (configured == null || configured.isBlank()) {
                if (!Files.isRegularFile(file)) {
                    byte[] fresh = new byte[32];
                    RANDOM.nextBytes(fresh);
                    try {
                        Files.createFile(
                                file,
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    } catch (UnsupportedOperationException e) {
                        Files.createFile(file);
                    }
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.UTF_8);
                }
                configured = Files.readString(file, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
        byte[] bytes = Base64.getDecoder().decode(configured.strip());
        if (bytes.length != 32) {
            throw new IllegalStateException("vigil.webhooks.secret-key must be base64 of 32 bytes");
        }
        return bytes;
    }

    byte[] seal(String secret) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(12 + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String open(byte[] box) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, box, 0, 12));
            return new String(c.doFinal(box, 12, box.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot decrypt a webhook secret (was vigil.webhooks.secret-key changed?)", e);
        }
    }
}
