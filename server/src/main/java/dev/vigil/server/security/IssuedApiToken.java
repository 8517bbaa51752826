package dev.vigil.server.security;

/**
 * A newly issued token: {@code token} is the secret, returned exactly once; only its hash is stored.
 */
public record IssuedApiToken(String token, ApiTokenInfo info) {
    @Override
    public String toString() {
        return "IssuedApiToken[" + info + "]";
    }
}
