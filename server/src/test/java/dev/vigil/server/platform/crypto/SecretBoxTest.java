package dev.vigil.server.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box format (12-byte nonce, AES-256-GCM ciphertext and tag) is the one webhook subscription secrets were sealed
 * with before the box moved to the platform, so those keep opening; keys come from the setting or a generated file.
 */
class SecretBoxTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String KEY_B64 = Base64.getEncoder().encodeToString(KEY);

    @TempDir
    Path dir;

    @Test
    void opensBoxesInTheFormatWebhookSecretsWereSealedWith() throws Exception {
        byte[] nonce = "twelve bytes".getBytes(StandardCharsets.US_ASCII);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
        byte[] sealed = c.doFinal("whsec-legacy-subscription".getBytes(StandardCharsets.UTF_8));
        byte[] legacy =
                ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();

        SecretBox box = SecretBox.load(KEY_B64, dir.resolve("unused"), "vigil.webhooks.secret-key");
        assertThat(box.open(legacy)).isEqualTo("whsec-legacy-subscription");
        assertThat(box.open(box.seal("round trip"))).isEqualTo("round trip");
        assertThat(box.seal("same")).as("a fresh nonce each time").isNotEqualTo(box.seal("same"));
        assertThat(Files.exists(dir.resolve("unused"))).isFalse();
    }

    @Test
    void aChangedBoxOrAnotherKeyDoesNotOpen() {
        SecretBox box = SecretBox.load(KEY_B64, dir.resolve("k"), "vigil.webhooks.secret-key");
        byte[] sealed = box.seal("signing secret");
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> box.open(sealed)).isInstanceOf(IllegalStateException.class);
        SecretBox other = SecretBox.load(null, dir.resolve("k"), "vigil.webhooks.secret-key");
        assertThatThrownBy(() -> other.open(box.seal("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vigil.webhooks.secret-key");
        assertThatThrownBy(() -> box.open(new byte[5])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutASettingAKeyIsGeneratedOnceInAFileOnlyItsOwnerReads() throws Exception {
        Path file = dir.resolve("webhook-key");
        SecretBox first = SecretBox.load("", file, "vigil.webhooks.secret-key");
        byte[] sealed = first.seal("kept across restarts");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
        assertThat(SecretBox.load(null, file, "vigil.webhooks.secret-key").open(sealed))
                .isEqualTo("kept across restarts");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("webhook-key");
        }
    }

    @Test
    void aKeyThatIsNot32BytesOfBase64IsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> SecretBox.load("c2hvcnQ=", dir.resolve("k"), "vigil.webhooks.secret-key"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vigil.webhooks.secret-key must be base64 of 32 bytes");
        assertThatThrownBy(() -> SecretBox.load("not base64!", dir.resolve("k"), "vigil.webhooks.secret-key"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("base64 of 32 bytes");
    }

    @Test
    void boxesNameTheirKeyAndPreviousKeysOnlyOpen() throws Exception {
        String old = Base64.getEncoder().encodeToString("o".repeat(32).getBytes(StandardCharsets.US_ASCII));
        SecretBox oldBox = SecretBox.load(old, dir.resolve("k"), "vigil.secrets.key");
        SecretBox rotating = SecretBox.load(KEY_B64, java.util.List.of(old, KEY_B64, ""), dir.resolve("k"), "p");
        assertThat(rotating.previousKeyIds()).containsExactly(oldBox.keyId());
        assertThat(rotating.keyId()).hasSize(16).isNotEqualTo(oldBox.keyId());

        byte[] sealedOld = oldBox.seal("before");
        assertThat(SecretBox.keyIdOf(sealedOld)).contains(oldBox.keyId());
        assertThat(rotating.open(sealedOld)).isEqualTo("before");
        assertThat(rotating.isCurrent(sealedOld)).isFalse();
        byte[] resealed = rotating.reseal(sealedOld);
        assertThat(rotating.isCurrent(resealed)).isTrue();
        assertThat(SecretBox.keyIdOf(resealed)).contains(rotating.keyId());
        assertThatThrownBy(() -> oldBox.open(resealed)).hasMessageContaining(rotating.keyId());

        // a legacy box (no key id) of the previous key opens too
        byte[] nonce = new byte[12];
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(Base64.getDecoder().decode(old), "AES"),
                new GCMParameterSpec(128, nonce));
        byte[] ct = c.doFinal("legacy".getBytes(StandardCharsets.UTF_8));
        byte[] legacy = ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array();
        assertThat(SecretBox.keyIdOf(legacy)).isEmpty();
        assertThat(rotating.open(legacy)).isEqualTo("legacy");
        assertThat(rotating.canOpen(legacy)).isTrue();

        // the key id is authenticated: a box relabelled with another configured key's id does not open
        byte[] relabelled = oldBox.seal("x");
        byte[] currentId = java.util.HexFormat.of().parseHex(rotating.keyId());
        System.arraycopy(currentId, 0, relabelled, 4, 8);
        assertThat(rotating.canOpen(relabelled)).isFalse();
    }
}
