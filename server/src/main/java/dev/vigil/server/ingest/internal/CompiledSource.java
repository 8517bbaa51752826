package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.LogSource;
import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.Normalizer;
import dev.vigil.server.normalize.ParserKind;
import dev.vigil.server.normalize.Parsers;
import dev.vigil.server.normalize.SyslogParser;

/**
 * A log source ready for the hot path: parser built, match rules compiled, counters attached. Immutable apart from the
 * counters; rebuilt when the source changes (compilation errors surface when the source is saved).
 *
 * @param parser for syslog sources: the parser of the syslog MSG part, or null when the source's parser is
 *     {@code syslog} (header fields only); for other intakes: the record parser
 */
public record CompiledSource(
        LogSource def,
        LogParser parser,
        SyslogParser syslog,
        SourceMatcher matcher,
        Normalizer normalizer,
        SourceCounters counters) {

    public static CompiledSource compile(LogSource def, SourceCounters counters) {
        LogParser parser =
                def.parser().kind() == ParserKind.SYSLOG && def.intake() == dev.vigil.server.ingest.Intake.SYSLOG
                        ? null
                        : Parsers.create(def.parser());
        SyslogParser syslog = new SyslogParser(Parsers.zone(def.parser()));
        Normalizer normalizer = new Normalizer(
                def.name(), def.application(), def.pipeline(), def.product(), def.category(), def.service());
        return new CompiledSource(def, parser, syslog, SourceMatcher.compile(def.match()), normalizer, counters);
    }

    public String name() {
        return def.name();
    }
}
