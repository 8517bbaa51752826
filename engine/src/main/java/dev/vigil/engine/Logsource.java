package dev.vigil.engine;

/**
 * The {@code logsource} of a Sigma rule or filter: which log data it is written for. Any component may be null
 * (unconstrained). Values are lower-case by the Sigma specification; we compare them case-insensitively anyway.
 */
public record Logsource(String product, String category, String service) {

    /** A logsource that constrains nothing. */
    public static final Logsource ANY = new Logsource(null, null, null);

    /**
     * True when {@code other} is at least as specific as this one on every component this one sets (pySigma's
     * {@code other in self}): used to decide whether a filter with this logsource applies to a rule.
     */
    public boolean covers(Logsource other) {
        return same(product, other.product) && same(category, other.category) && same(service, other.service);
    }

    private static boolean same(String mine, String theirs) {
        return mine == null || (theirs != null && mine.equalsIgnoreCase(theirs));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (product != null) b.append("product=").append(product);
        if (category != null)
            b.append(b.isEmpty() ? "" : " ").append("category=").append(category);
        if (service != null) b.append(b.isEmpty() ? "" : " ").append("service=").append(service);
        return b.isEmpty() ? "any" : b.toString();
    }
}
