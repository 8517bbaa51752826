/**
 * Security: who may call which endpoint. Deny by default: every endpoint needs an authenticated principal, and
 * everything that is not explicitly opened to another scope needs {@link dev.vigil.server.security.ApiScope#ADMIN}.
 * Today principals are API tokens ({@link dev.vigil.server.security.ApiTokenService}: stored as SHA-256 hashes, sent
 * as {@code Authorization: Bearer <token>}); users, roles and sign-in for the web UI grow on top of the same scopes
 * (issue 6). Modules open their endpoints to a scope with {@link dev.vigil.server.security.ApiEndpoint} beans.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Security")
package dev.vigil.server.security;
