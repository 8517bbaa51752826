package dev.vigil.server.platform.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM: a sealed box is a 12-byte random nonce followed by the ciphertext and
 * its 16-byte tag, so a box that was changed (or sealed with another key) does not open. Signing secrets cannot be
 * hashed like tokens (HMAC needs the secret itself); sealing them keeps a database dump or backup from revealing them.
 *
 * <p>The server has one box (a bean of the platform module): its key is {@code vigil.webhooks.secret-key} (base64 of
 * 32 bytes; give every node the same) or, when that is empty, a key generated once in {@code DATA_DIR/webhook-key}
 * (mode 600). The property keeps its first user's name so that existing installations keep decrypting.
 */
public final class SecretBox {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keySource;

    private SecretBox(byte[] key, String keySource) {
        if (key.length != 32) {
            throw new IllegalStateException(keySource + " must be base64 of 32 bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
        this.keySource = keySource;
    }

    /**
     * The box with the configured key, or (configured empty) with the key in {@code keyFile}, generated there (mode
     * 600) when missing.
     *
     * @param configured base64 of a 32-byte key, or null/blank
     * @param property the name of the setting, for error messages
     */
    public static SecretBox load(String configured, Path keyFile, String property) {
        if (configured != null && !configured.isBlank()) {
            return new SecretBox(decode(configured, property), property);
        }
        return new SecretBox(decode(readOrCreate(keyFile), keyFile.toString()), property + " (or " + keyFile + ")");
    }

    private static byte[] decode(String base64, String source) {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " must be base64 of 32 bytes", e);
        }
    }

    private static String readOrCreate(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                // written completely under a temporary name, then linked into place: a concurrent reader never sees a
                // half-written key, and of two processes creating it at once the second one uses the first one's key
                Path tmp = Files.createTempFile(file.getParent(), ".webhook-key", ".tmp");
                try {
                    try {
                        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException e) {
                        // no POSIX permissions on this file system
                    }
                    Files.writeString(tmp, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.UTF_8);
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException e) {
                    // created meanwhile: use that one
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** Seals a text secret (UTF-8). */
    public byte[] seal(String secret) {
        return sealBytes(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Opens a box {@link #seal(String)} made. */
    public String open(byte[] box) {
        return new String(openBytes(box), StandardCharsets.UTF_8);
    }

    /** Seals binary key material. */
    public byte[] sealBytes(byte[] secret) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = c.doFinal(secret);
            return ByteBuffer.allocate(NONCE + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens a box {@link #sealBytes} made.
     *
     * @throws IllegalStateException when the box was changed or sealed with another key
     */
    public byte[] openBytes(byte[] box) {
        if (box == null || box.length < NONCE + TAG_BITS / 8) {
            throw new IllegalStateException("not a sealed secret (too short)");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, box, 0, NONCE));
            return c.doFinal(box, NONCE, box.length - NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot decrypt a stored secret (was the key " + keySource + " changed?)", e);
        }
    }
}
