package dev.vigil.server.platform.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.crypto.SecretKeyRotation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/system/secrets}: the at-rest key rotation. {@code GET} (system_read) shows the configured key ids and
 * how every sealed column's boxes stand (per key id, legacy, unreadable); {@code POST /rotate} (system_write)
 * re-seals every box with the current key ({@link SecretRotation}: batched, transactional, resumable, audited) and
 * answers the count per column and whether the previous keys may now be removed. Key material never crosses the API:
 * only key ids. {@code vigil secrets status|rotate} and the page {@code /admin/secrets} use the same.
 */
@RestController
@RequestMapping("/api/v1/system/secrets")
class SecretsController {
    private final SecretKeyRotation rotation;

    SecretsController(SecretKeyRotation rotation) {
        this.rotation = rotation;
    }

    @GetMapping
    @RequirePermission(Permission.SYSTEM_READ)
    SecretKeyRotation.Status status() {
        return rotation.status();
    }

    @PostMapping("/rotate")
    @RequirePermission(Permission.SYSTEM_WRITE)
    SecretKeyRotation.Result rotate() {
        return rotation.rotate();
    }
}
