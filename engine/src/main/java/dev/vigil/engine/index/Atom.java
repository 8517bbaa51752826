package dev.vigil.engine.index;

/**
 * One condition of a witness that the index can test cheaply: a lower-cased literal the value of a field must equal,
 * start with, end with or contain, or merely the field's presence. {@code field} is a field id of the rule set's
 * {@code FieldTable}, or {@link dev.vigil.engine.compile.Leaf#ANY_FIELD} for keywords (any value of the event).
 * {@code number} is only meaningful for {@link Kind#NUM}.
 */
record Atom(int field, Kind kind, String literal, double number) {

    enum Kind {
        /** The lower-cased value equals the literal. */
        EQ,
        /** The lower-cased value starts with the literal. */
        PREFIX,
        /** The lower-cased value ends with the literal. */
        SUFFIX,
        /** The lower-cased value contains the literal. */
        CONTAINS,
        /** The field has at least one value (JSON null included); {@code literal} is empty. */
        PRESENT,
        /**
         * A value equals {@code number} numerically (a number, or text that parses as one), or is text equal to
         * {@code literal} (the number as the rule wrote it): exactly when a numeric EQ leaf can hold.
         */
        NUM
    }

    Atom(int field, Kind kind, String literal) {
        this(field, kind, literal, 0);
    }

    static Atom present(int field) {
        return new Atom(field, Kind.PRESENT, "");
    }

    static Atom num(int field, double number, String text) {
        return new Atom(field, Kind.NUM, text, number);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Atom a
                && a.field == field
                && a.kind == kind
                && a.literal.equals(literal)
                && Double.doubleToLongBits(a.number) == Double.doubleToLongBits(number);
    }

    @Override
    public int hashCode() {
        return (literal.hashCode() * 31 + field) * 31 + kind.ordinal() + Double.hashCode(number) * 17;
    }

    @Override
    public String toString() {
        return (field < 0 ? "*" : "#" + field) + " " + kind + (kind == Kind.PRESENT ? "" : " '" + literal + "'");
    }
}
