package dev.vigil.server.security.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Token generation and hashing. Tokens carry 256 random bits, so a fast unsalted SHA-256 is the right hash: it
 * cannot be brute-forced, and it lets a request's token be found by an index lookup (a slow salted password hash
 * would cost tens of milliseconds per ingest request). User-chosen bootstrap tokens must be at least 16 characters.
 */
final class TokenHashing {
    static final String PREFIX = "vigil_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenHashing() {}

    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What is stored and shown to recognise a token: its first characters, never enough to use it. */
    static String displayPrefix(String token) {
        if (token.startsWith(PREFIX) && token.length() > PREFIX.length() + 16) {
            return token.substring(0, PREFIX.length() + 4);
        }
        return token.substring(0, Math.min(4, token.length() / 4));
    }
}
