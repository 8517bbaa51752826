package dev.vigil.server.evidence;

/** An upload exceeded the evidence size cap; nothing was kept. */
public class EvidenceTooLargeException extends IllegalArgumentException {
    public EvidenceTooLargeException(String message) {
        super(message);
    }
}
