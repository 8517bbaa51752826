package dev.vigil.engine.compile;

import dev.vigil.engine.RuleInfo;
import dev.vigil.engine.event.Event;
import java.util.List;

/** Compiled rules that cannot be written in Sigma, for testing the engine's failure handling. */
public final class TestRules {
    private TestRules() {}

    /** A rule whose only leaf throws on every event that has a value. */
    public static CompiledRule throwing(int index, RuleInfo info) {
        Leaf boom = new Leaf(Leaf.ANY_FIELD, null) {
            @Override
            public Op op() {
                return Op.EQ;
            }

            @Override
            boolean test(Event e, int slot) {
                throw new IllegalStateException("boom on " + e.name(slot));
            }
        };
        return new CompiledRule(index, info, boom, List.of());
    }
}
