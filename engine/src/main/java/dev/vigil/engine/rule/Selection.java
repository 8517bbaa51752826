package dev.vigil.engine.rule;

import java.util.List;

/**
 * The body of one search identifier in a {@code detection} section: a map (its items AND-linked) or a list of maps
 * (OR-linked). Keyword lists are a map with one field-less item.
 */
public sealed interface Selection {

    /** A YAML map: every item must match. */
    record AllOf(List<FieldItem> items) implements Selection {
        public AllOf {
            items = List.copyOf(items);
        }
    }

    /** A YAML list of maps: any must match. */
    record AnyOf(List<Selection> alternatives) implements Selection {
        public AnyOf {
            alternatives = List.copyOf(alternatives);
        }
    }

    /**
     * One {@code field|modifiers: values} entry after its modifiers were applied. {@code field} is null for keywords
     * (match any field). Values are OR-linked unless {@code all}; {@code negated} ({@code neq}) negates the whole
     * item.
     */
    record FieldItem(
            String field,
            List<String> modifiers,
            boolean all,
            boolean negated,
            List<SigmaValue> values,
            String yamlPath) {
        public FieldItem {
            modifiers = List.copyOf(modifiers);
            values = List.copyOf(values);
        }

        public boolean isKeyword() {
            return field == null;
        }
    }
}
