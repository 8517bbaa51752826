package dev.vigil.server.security.internal;

import java.util.Map;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Password hashing: Argon2id with Spring Security's recommended parameters, stored with its id prefix
 * ({@code {argon2@SpringSecurity_v5_8}...}) so that hashes made with other algorithms (bcrypt) still verify and can
 * be upgraded later. Lengths are bounded (12..256) so that nobody makes the server hash megabytes.
 */
final class Passwords {
    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 256;
    private static final String ARGON2 = "argon2@SpringSecurity_v5_8";

    private Passwords() {}

    static PasswordEncoder encoder() {
        return new DelegatingPasswordEncoder(
                ARGON2,
                Map.of(
                        ARGON2,
                        Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
                        "bcrypt",
                        new BCryptPasswordEncoder()));
    }

    static void check(String password, String username) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a password needs at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a password may have at most " + MAX_LENGTH + " characters");
        }
        if (username != null && password.equalsIgnoreCase(username)) {
            throw new IllegalArgumentException("the password must not be the user name");
        }
        if (password.chars().distinct().count() < 4) {
            throw new IllegalArgumentException("the password is too repetitive");
        }
    }
}
