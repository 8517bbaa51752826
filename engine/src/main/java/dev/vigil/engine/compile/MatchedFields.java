package dev.vigil.engine.compile;

import dev.vigil.engine.event.Event;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * A detection's matched fields, worked out when first asked for: field name → value of the positive leaves that made
 * the rule match, exactly what {@link CompiledRule#matchedFields(EvalContext)} returns for the same rule and event
 * (it is that call, made later on a context of its own). Finding them re-walks the rule's tree over the event, which
 * for a cheap event costs as much as matching it; most detections of a scan or a benchmark are counted, not read,
 * so the walk is made only for those whose fields someone reads (an alert, the correlator, a report), once.
 *
 * <p>Immutable; thread-safe (the walk runs under the event's lock, because an {@link Event} fills its text and
 * lower-case caches lazily; the result is published through a volatile field). Equality, hash code and {@code
 * toString} are those of {@link Map}.
 */
public final class MatchedFields extends AbstractMap<String, Object> {
    private static final ThreadLocal<EvalContext> CONTEXT = new ThreadLocal<>();
    private static final Event NOTHING = Event.of(Map.of());

    private final CompiledRule rule;
    private final FieldTable fields;
    private final Event event;
    private volatile FieldMap map;

    /**
     * @param rule a rule that matched {@code event}
     * @param fields the field table the rule was compiled against (its rule set's)
     * @param event the event as matched (after the pipeline)
     */
    public MatchedFields(CompiledRule rule, FieldTable fields, Event event) {
        this.rule = rule;
        this.fields = fields;
        this.event = event;
    }

    private FieldMap map() {
        FieldMap m = map;
        if (m != null) return m;
        synchronized (event) {
            m = map;
            if (m != null) return m;
            EvalContext c = CONTEXT.get();
            if (c == null || c.fields() != fields) {
                c = new EvalContext(fields);
                CONTEXT.set(c);
            }
            c.bind(event);
            try {
                FieldMap.Builder out = new FieldMap.Builder();
                rule.root().collect(c, out);
                m = out.build();
            } catch (RuntimeException | StackOverflowError e) {
                // the same tests already ran without failing when the rule matched; never fail a reader
                m = FieldMap.EMPTY;
            } finally {
                c.bind(NOTHING); // the per-thread context keeps no event alive
            }
            map = m;
            return m;
        }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return map().entrySet();
    }

    @Override
    public int size() {
        return map().size();
    }

    @Override
    public Object get(Object key) {
        return map().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map().containsKey(key);
    }
}
