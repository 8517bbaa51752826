package dev.vigil.server.cli;

/**
 * Where the commands that talk to a running server ({@code ingest}, {@code rules import}, {@code events verify},
 * {@code secrets}; their options: {@link RemoteOptions}) find
 * it: {@code --url}, else {@code $VIGIL_URL}, else {@value #DEFAULT_URL}; and their API token: {@code --token}, else
 * {@code $VIGIL_API_TOKEN}, else {@code $VIGIL_BOOTSTRAP_API_TOKEN}. A blank variable counts as unset.
 */
final class RemoteServer {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private RemoteServer() {}

    /** The server's base URL. */
    static String url(String option) {
        return option != null ? option : env("VIGIL_URL", DEFAULT_URL);
    }

    /** The API token, or null when none is given. */
    static String token(String option) {
        return option != null ? option : env("VIGIL_API_TOKEN", env("VIGIL_BOOTSTRAP_API_TOKEN", null));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
