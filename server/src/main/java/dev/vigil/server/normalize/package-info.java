/**
 * Normalize: turns one raw log record (a syslog frame, an NDJSON line, a {@code _bulk} document, an OTLP log record)
 * into a Vigil event: parse with the source's parser ({@code json}, {@code syslog}, {@code cef}, {@code leef},
 * {@code logfmt}, {@code kv}, {@code regex}), and produce the {@link dev.vigil.server.normalize.IngestedEvent} that
 * detection consumes.
 *
 * <p>API: {@link dev.vigil.server.normalize.LogParser}, {@link dev.vigil.server.normalize.Parsers},
 * {@link dev.vigil.server.normalize.ParserSpec}, {@link dev.vigil.server.normalize.SyslogParser},
 * {@link dev.vigil.server.normalize.ParseException}. Parser implementations live in {@code internal}.
 *
 * <p>Every parser is pure (no I/O, no clock), thread-safe after construction and linear in its input: user patterns
 * are RE2J, nesting depth and sizes are capped. A parser failure is a {@link dev.vigil.server.normalize.ParseException}
 * with a reason a person can act on; it is counted and reported by the intake, never swallowed.
 */
package dev.vigil.server.normalize;
