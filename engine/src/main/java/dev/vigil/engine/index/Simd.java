package dev.vigil.engine.index;

/**
 * Whether {@link PackedScanner} may be used: the incubating module {@code jdk.incubator.vector} is resolved (the
 * launcher and the tests add it with {@code --add-modules jdk.incubator.vector}) and the CPU has 128-bit vectors;
 * {@code -Dvigil.engine.simd=false} turns it off. Without it the keyword literals are scanned by the automaton
 * alone, with the same results. This class names no Vector API type, so it loads on every JDK.
 */
final class Simd {
    static final boolean AVAILABLE = check();

    private Simd() {}

    private static boolean check() {
        if (!Boolean.parseBoolean(System.getProperty("vigil.engine.simd", "true"))) return false;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return PackedScanner.supported();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
