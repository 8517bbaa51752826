package dev.vigil.engine.compile;

/**
 * The rules one event logsource routes to: their indices (ascending) and the same set as a bit mask over rule
 * indices. A route is computed once per distinct event logsource and cached by the {@link Router}; {@link
 * #attachment()} lets a candidate index memoise what it derives from the route (which fields and keyword atoms can
 * matter for it), so that work is also done once per logsource. Immutable apart from that memo (a benign race: any
 * thread computes the same value).
 */
public final class Route {
    private final int[] rules;
    private final long[] mask;
    private volatile Object attachment;

    Route(int[] rules, int ruleCount) {
        this.rules = rules;
        this.mask = new long[(ruleCount + 63) >>> 6];
        for (int r : rules) mask[r >>> 6] |= 1L << r;
    }

    /** Rule indices, ascending. Do not modify. */
    public int[] rules() {
        return rules;
    }

    /** Bit {@code r} is set when rule {@code r} is in the route. Do not modify. */
    public long[] mask() {
        return mask;
    }

    /** What an index memoised for this route, or null. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }
}
