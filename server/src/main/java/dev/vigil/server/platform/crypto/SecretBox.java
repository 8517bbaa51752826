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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM, so that a database dump or backup does not reveal them (signing secrets
 * cannot be hashed like tokens: HMAC needs the secret itself).
 *
 * <p>Format. A box sealed now is {@code "VSB" 0x01 | key id (8) | nonce (12) | ciphertext | tag (16)}; the first 12
 * bytes are the GCM additional data, so a box whose key id was changed does not open. The key id is the first 8 bytes
 * of SHA-256 over a fixed label and the key: it names a key without revealing it and cannot be configured wrongly.
 * Boxes sealed before key ids existed ({@code nonce | ciphertext | tag}, the format webhook secrets had from the
 * start) still open: a box without the header, or whose header does not open (a legacy nonce may begin with the same
 * four bytes), is tried as a legacy box with every configured key. GCM authenticates, so a wrong guess fails, never
 * returns garbage.
 *
 * <p>Keys. One current key seals; previous keys (zero or more) only open, so that a key can be rotated: configure the
 * new key as current and the old one as previous on every node, re-seal every stored box ({@code POST
 * /api/v1/system/secrets/rotate}), then drop the old key. The current key is {@code vigil.secrets.key} (formerly
 * {@code vigil.webhooks.secret-key}, still read) or, when neither is set, a key generated once in {@code
 * DATA_DIR/webhook-key} (mode 600); previous keys are {@code vigil.secrets.previous-keys}. All are base64 of 32 bytes.
 */
public final class SecretBox {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] MAGIC = {'V', 'S', 'B', 1};
    private static final int KEY_ID = 8;
    private static final int HEADER = MAGIC.length + KEY_ID;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final HexFormat HEX = HexFormat.of();

    /** A key and its id. */
    private record Key(byte[] id, SecretKeySpec spec) {
        String hexId() {
            return HEX.formatHex(id);
        }
    }

    private final Key current;
    private final List<Key> previous;
    private final String keySource;

    private SecretBox(Key current, List<Key> previous, String keySource) {
        this.current = current;
        this.previous = List.copyOf(previous);
        this.keySource = keySource;
    }

    private static Key key(byte[] raw, String source) {
        if (raw.length != 32) {
            throw new IllegalStateException(source + " must be base64 of 32 bytes");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("vigil secret-box key id\0".getBytes(StandardCharsets.US_ASCII));
            byte[] id = Arrays.copyOf(sha.digest(raw), KEY_ID);
            return new Key(id, new SecretKeySpec(raw, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The box with the configured key, or (configured empty) with the key in {@code keyFile}, generated there (mode
     * 600) when missing; no previous keys.
     *
     * @param configured base64 of a 32-byte key, or null/blank
     * @param property the name of the setting, for error messages
     */
    public static SecretBox load(String configured, Path keyFile, String property) {
        return load(configured, List.of(), keyFile, property);
    }

    /**
     * The box with the configured key (or the key file's, as {@link #load(String, Path, String)}) and previous keys
     * that only open. A previous key equal to the current one is ignored.
     *
     * @param previousKeys base64 of 32-byte keys (blank entries ignored)
     */
    public static SecretBox load(String configured, Collection<String> previousKeys, Path keyFile, String property) {
        Key current;
        String source;
        if (configured != null && !configured.isBlank()) {
            current = key(decode(configured, property), property);
            source = property;
        } else {
            current = key(decode(readOrCreate(keyFile), keyFile.toString()), keyFile.toString());
            source = property + " (or " + keyFile + ")";
        }
        List<Key> previous = new ArrayList<>();
        int i = 0;
        for (String p : previousKeys == null ? List.<String>of() : previousKeys) {
            i++;
            if (p == null || p.isBlank()) {
                continue;
            }
            String name = "previous key #" + i;
            Key k = key(decode(p, name), name);
            if (!Arrays.equals(k.id(), current.id())
                    && previous.stream().noneMatch(x -> Arrays.equals(x.id(), k.id()))) {
                previous.add(k);
            }
        }
        return new SecretBox(current, previous, source);
    }

    /** The id (16 hex digits) of the current key, which seals. */
    public String keyId() {
        return current.hexId();
    }

    /** The ids of the previous keys, which only open, in configured order. */
    public List<String> previousKeyIds() {
        return previous.stream().map(Key::hexId).toList();
    }

    /** The key id a box names (16 hex digits), or empty for a box in the legacy format (no key id). */
    public static Optional<String> keyIdOf(byte[] box) {
        return hasHeader(box) ? Optional.of(HEX.formatHex(box, MAGIC.length, HEADER)) : Optional.empty();
    }

    /**
     * True when the box names the current key: re-sealing it would change nothing. (Whether it opens is not checked.)
     */
    public boolean isCurrent(byte[] box) {
        return hasHeader(box) && Arrays.equals(box, MAGIC.length, HEADER, current.id(), 0, KEY_ID);
    }

    /** True when the box opens with one of the configured keys. */
    public boolean canOpen(byte[] box) {
        try {
            openBytes(box);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * The same secret sealed with the current key.
     *
     * @throws IllegalStateException when the box does not open with any configured key
     */
    public byte[] reseal(byte[] box) {
        return sealBytes(openBytes(box));
    }

    private static boolean hasHeader(byte[] box) {
        return box != null
                && box.length >= HEADER + NONCE + TAG_BITS / 8
                && Arrays.equals(box, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
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

    /** Seals binary key material with the current key. */
    public byte[] sealBytes(byte[] secret) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            byte[] header =
                    ByteBuffer.allocate(HEADER).put(MAGIC).put(current.id()).array();
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, current.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(header);
            byte[] sealed = c.doFinal(secret);
            return ByteBuffer.allocate(HEADER + NONCE + sealed.length)
                    .put(header)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens a box {@link #sealBytes} made, with the key it names, or a legacy box with any configured key.
     *
     * @throws IllegalStateException when the box was changed, or sealed with a key this box does not have (the
     *     message names the key id when the box does)
     */
    public byte[] openBytes(byte[] box) {
        if (box == null || box.length < NONCE + TAG_BITS / 8) {
            throw new IllegalStateException("not a sealed secret (too short)");
        }
        Key named = null;
        if (hasHeader(box)) {
            named = find(box);
            if (named != null) {
                try {
                    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                    c.init(Cipher.DECRYPT_MODE, named.spec(), new GCMParameterSpec(TAG_BITS, box, HEADER, NONCE));
                    c.updateAAD(box, 0, HEADER);
                    return c.doFinal(box, HEADER + NONCE, box.length - HEADER - NONCE);
                } catch (GeneralSecurityException e) {
                    // changed, or a legacy box that happens to begin with the header: try the legacy format below
                }
            }
        }
        for (Key k : keys()) {
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, k.spec(), new GCMParameterSpec(TAG_BITS, box, 0, NONCE));
                return c.doFinal(box, NONCE, box.length - NONCE);
            } catch (GeneralSecurityException e) {
                // the next key
            }
        }
        if (hasHeader(box) && named == null) {
            throw new IllegalStateException(
                    "a stored secret is sealed with key " + keyIdOf(box).orElseThrow()
                            + ", which this node does not have (current key " + keyId() + " from " + keySource
                            + ", previous keys "
                            + previousKeyIds() + "): configure it in vigil.secrets.previous-keys until the secrets are"
                            + " re-sealed");
        }
        throw new IllegalStateException("cannot decrypt a stored secret (was the key " + keySource
                + " changed without keeping the old one in vigil.secrets.previous-keys?)");
    }

    private Key find(byte[] box) {
        for (Key k : keys()) {
            if (Arrays.equals(box, MAGIC.length, HEADER, k.id(), 0, KEY_ID)) {
                return k;
            }
        }
        return null;
    }

    private List<Key> keys() {
        List<Key> all = new ArrayList<>(previous.size() + 1);
        all.add(current);
        all.addAll(previous);
        return all;
    }
}
