package dev.vigil.engine;

/** Placeholder. */
public final class Engine {
    private Engine() {}
}
