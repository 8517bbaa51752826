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

    @Override
    public Event apply(Event e) {
        if (e.pipeline() != null) return e;
        boolean sourceName = false;
        boolean eventId = false;
        for (int i = 0, n = e.size(); i < n; i++) {
            String f = e.name(i);
            if (f.startsWith("Event.System.")) return evtx.apply(e);
            if (f.startsWith("winlog.")) return winlogbeat.apply(e);
            if (f.equals("SourceName")) sourceName = true;
            else if (f.equals("EventID")) eventId = true;
        }
        if (sourceName && eventId) return nxlog.apply(e);
        return flat.apply(e);
    }
}
