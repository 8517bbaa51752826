package dev.vigil.server.evidence;

/** The stored bytes of an evidence item no longer match its recorded SHA-256 (or are gone); the download is refused. */
public class EvidenceIntegrityException extends IllegalStateException {
    public EvidenceIntegrityException(String message) {
        super(message);
    }
}
