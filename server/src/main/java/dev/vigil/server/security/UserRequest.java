package dev.vigil.server.security;

import java.util.Set;

/**
 * Creates or changes a user; null fields are left as they are on update.
 *
 * @param password a new local password (create: optional for single sign-on users)
 */
public record UserRequest(
        String username, String displayName, String email, Set<String> roles, Boolean enabled, String password) {}
