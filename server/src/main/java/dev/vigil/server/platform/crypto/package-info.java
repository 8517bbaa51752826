/**
 * Secrets at rest: {@link dev.vigil.server.platform.crypto.SecretBox} encrypts the secrets a module must keep in
 * usable form (HMAC signing keys of webhooks and notification channels, the action-link key) so that a database dump
 * or backup does not reveal them. Passwords and API tokens are hashed instead (security module).
 */
@org.springframework.modulith.NamedInterface("crypto")
package dev.vigil.server.platform.crypto;
