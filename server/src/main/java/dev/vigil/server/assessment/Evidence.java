package dev.vigil.server.assessment;

/**
 * A link to the record that supports (or contradicts) an answer: a page of the UI, or an API resource. Always a path
 * on this server ({@code /...}), never an absolute or protocol-relative URL.
 */
public record Evidence(String label, String href) {
    public Evidence {
        if (href == null || !href.startsWith("/") || href.startsWith("//")) {
            throw new IllegalArgumentException("evidence links are paths on this server: " + href);
        }
    }
}
