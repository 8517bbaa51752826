package dev.vigil.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * The YAML event stream between snakeyaml-engine's parser and its composer, checked against the loader's limits
 * before the composer (which recurses once per nesting level and expands aliases) sees an event. snakeyaml-engine 3.2
 * has no nesting limit, and its own alias limit and non-scalar-key check throw without a position; here every
 * violation is a {@link LimitException} at the offending event's mark (line and column when the parser keeps marks).
 *
 * <p>Checked per document: nesting depth of lists and maps; aliases to lists or maps (count, the nodes they expand
 * to, and aliases to an enclosing collection, which would make a cyclic structure); lists or maps as mapping keys.
 * Per stream: the number of documents. The checks are O(1) per event.
 */
final class GuardedYamlParser implements Parser {

    /** A limit of the loader was exceeded: valid YAML, refused. Carries the position of the offending event. */
    static final class LimitException extends ComposerException {
        LimitException(String problem, Optional<Mark> mark) {
            super(problem, mark);
        }
    }

    /** Aliases to lists or maps allowed in one document (Sigma rules in the wild use none). */
    static final int MAX_COLLECTION_ALIASES = 50;

    private static final String BOMB = " (an alias expansion bomb such as billion laughs is refused)";

    private final Parser delegate;
    private final int maxDepth;
    private final int maxAliasNodes;
    private final int maxDocuments;

    // per open collection (index = depth - 1): whether it is a mapping, its child count, the node count at its start,
    // its anchor (or null)
    private final boolean[] mapping;
    private final int[] children;
    private final long[] startNodes;
    private final Anchor[] anchors;
    private int depth;

    // per document
    private long nodes;
    private long aliasNodes;
    private int collectionAliases;
    private final Map<Anchor, Long> anchorSizes = new HashMap<>();
    private final Set<Anchor> collectionAnchors = new HashSet<>();
    private int documents;

    GuardedYamlParser(Parser delegate, int maxDepth, int maxAliasNodes, int maxDocuments) {
        this.delegate = delegate;
        this.maxDepth = maxDepth;
        this.maxAliasNodes = maxAliasNodes;
        this.maxDocuments = maxDocuments;
        this.mapping = new boolean[maxDepth + 1];
        this.children = new int[maxDepth + 1];
        this.startNodes = new long[maxDepth + 1];
        this.anchors = new Anchor[maxDepth + 1];
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
        return delegate.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
        return delegate.peekEvent();
    }

    @Override
    public boolean hasNext() {
        return delegate.hasNext();
    }

    @Override
    public Event next() {
        Event e = delegate.next();
        switch (e.getEventId()) {
            case DocumentStart -> startDocument(e);
            case Scalar -> node(e, false, ((NodeEvent) e).getAnchor().orElse(null));
            case SequenceStart, MappingStart -> open(e);
            case SequenceEnd, MappingEnd -> close();
            case Alias -> alias((AliasEvent) e);
            default -> {
                // stream start/end, document end, comments
            }
        }
        return e;
    }

    private void startDocument(Event e) {
        if (++documents > maxDocuments) {
            throw new LimitException(
                    "more than " + maxDocuments + " YAML documents in one file; the rest of the file is not read",
                    e.getStartMark());
        }
        depth = 0;
        nodes = 0;
        aliasNodes = 0;
        collectionAliases = 0;
        anchorSizes.clear();
        collectionAnchors.clear();
    }

    /** Counts a node in its parent; refuses a list or map in a mapping key position. */
    private void node(Event e, boolean collection, Anchor anchor) {
        if (depth > 0) {
            int i = depth - 1;
            if (collection && mapping[i] && children[i] % 2 == 0) {
                throw new LimitException(
                        "a mapping key must be a plain value, not a list or map (such keys are refused)",
                        e.getStartMark());
            }
            children[i]++;
        }
        nodes++;
        if (anchor != null && !collection) {
            anchorSizes.put(anchor, 1L);
            collectionAnchors.remove(anchor);
        }
    }

    private void open(Event e) {
        Anchor anchor = ((NodeEvent) e).getAnchor().orElse(null);
        node(e, true, anchor);
        if (depth == maxDepth) {
            throw new LimitException(
                    "YAML nesting deeper than " + maxDepth + " levels of lists and maps (the limit of a rule file)",
                    e.getStartMark());
        }
        mapping[depth] = e.getEventId() == Event.ID.MappingStart;
        children[depth] = 0;
        startNodes[depth] = nodes;
        anchors[depth] = anchor;
        depth++;
    }

    private void close() {
        if (depth == 0) return;
        depth--;
        Anchor anchor = anchors[depth];
        anchors[depth] = null;
        if (anchor != null) {
            // the collection itself was counted before its start was recorded
            anchorSizes.put(anchor, nodes - startNodes[depth] + 1);
            collectionAnchors.add(anchor);
        }
    }

    private void alias(AliasEvent e) {
        Anchor target = e.getAlias();
        for (int i = 0; i < depth; i++) {
            if (target.equals(anchors[i])) {
                throw new LimitException(
                        "alias *" + target.getValue()
                                + " refers to a list or map that contains it (a cyclic structure is" + " refused)",
                        e.getStartMark());
            }
        }
        Long size = anchorSizes.get(target);
        boolean collection = collectionAnchors.contains(target);
        node(e, collection, null);
        if (size == null) return; // undefined: the composer reports it
        nodes += size - 1;
        if (collection && ++collectionAliases > MAX_COLLECTION_ALIASES) {
            throw new LimitException(
                    "more than " + MAX_COLLECTION_ALIASES + " aliases to lists or maps in one document" + BOMB,
                    e.getStartMark());
        }
        aliasNodes += size;
        if (aliasNodes > maxAliasNodes) {
            throw new LimitException(
                    "aliases expand to more than " + maxAliasNodes + " YAML nodes in one document" + BOMB,
                    e.getStartMark());
        }
    }
}
