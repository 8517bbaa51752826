package dev.vigil.engine.pipeline;

/** A pipeline definition that cannot be used (unknown name, invalid YAML, invalid structure). */
public final class PipelineException extends RuntimeException {
    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
