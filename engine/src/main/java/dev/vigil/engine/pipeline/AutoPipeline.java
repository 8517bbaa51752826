package dev.vigil.engine.pipeline;

import dev.vigil.engine.event.Event;

/**
 * Recognises the shape of each event and applies the matching built-in pipeline: evtx_dump JSON ({@code
 * Event.System.*}), Winlogbeat/ECS ({@code winlog.*}), NXLog ({@code SourceName} with {@code EventID}), else flat.
 * One pass over the field names decides.
 */
final class AutoPipeline implements Pipeline {
    private final Pipeline evtx;
    private final Pipeline winlogbeat;
    private final Pipeline nxlog;
    private final Pipeline flat;

    AutoPipeline(Pipeline evtx, Pipeline winlogbeat, Pipeline nxlog, Pipeline flat) {
        this.evtx = evtx;
        this.winlogbeat = winlogbeat;
        this.nxlog = nxlog;
        this.flat = flat;
    }

    @Override
    public String name() {
        return "auto";
    }

    /** The last shape of field names decided and its pipeline (immutable; racy replacement is harmless). */
    private record Decision(String[] names, Pipeline pipeline) {}

    private Decision last;

    @Override
    public Event apply(Event e) {
        if (e.pipeline() != null) return e;
        // events of one source share their name strings: the same shape decides the same way
        Decision d = last;
        if (d != null && e.sameNames(d.names)) {
            if (d.names != e.shape()) last = new Decision(e.shape(), d.pipeline); // the next event shares this array
            return d.pipeline.apply(e);
        }
        Pipeline p = choose(e);
        last = new Decision(e.shape(), p);
        return p.apply(e);
    }

    /** The pipeline for an event's field names (a function of the names alone). */
    private Pipeline choose(Event e) {
        boolean sourceName = false;
        boolean eventId = false;
        for (int i = 0, n = e.size(); i < n; i++) {
            String f = e.name(i);
            if (f.startsWith("Event.System.")) return evtx;
            if (f.startsWith("winlog.")) return winlogbeat;
            if (f.equals("SourceName")) sourceName = true;
            else if (f.equals("EventID")) eventId = true;
        }
        if (sourceName && eventId) return nxlog;
        return flat;
    }
}
