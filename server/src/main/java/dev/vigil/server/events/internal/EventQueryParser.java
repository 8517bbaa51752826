package dev.vigil.server.events.internal;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Lucene's classic query syntax over stored events ({@code Image:*\\cmd.exe AND NOT User:system}), adapted to how
 * {@link EventDocuments} indexes them: field values match whole and case-insensitively (wildcards allowed, also
 * leading), bare words and phrases search the raw record ({@code _raw}), {@code field:*} means "the field is
 * present", ranges with numbers are numeric ({@code EventID:[4600 TO 4700]}), and {@code _id}, {@code _time} and
 * {@code _received} take ids, ISO-8601 instants, dates or epoch milliseconds. Terms are combined with AND unless an
 * operator says otherwise.
 */
final class EventQueryParser extends QueryParser {
    /** Lower-cases a whole value exactly like {@link String#toLowerCase(Locale)} with {@link Locale#ROOT} (as indexed). */
    static final class RootLowerCaseFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

        RootLowerCaseFilter(TokenStream in) {
            super(in);
        }

        @Override
        public boolean incrementToken() throws IOException {
            if (!input.incrementToken()) {
                return false;
            }
            String lower = term.toString().toLowerCase(Locale.ROOT);
            term.setEmpty().append(lower);
            return true;
        }
    }

    /** Keyword terms, lower-cased: the analyzer for event fields. */
    static final Analyzer VALUE = new Analyzer() {
        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
            Tokenizer t = new KeywordTokenizer();
            return new TokenStreamComponents(t, new RootLowerCaseFilter(t));
        }

        @Override
        protected TokenStream normalize(String fieldName, TokenStream in) {
            return new RootLowerCaseFilter(in);
        }
    };

    /** The raw record's analyzer (index and query): standard tokenisation, no stop words. */
    static Analyzer rawAnalyzer() {
        return new StandardAnalyzer(CharArraySet.EMPTY_SET);
    }

    static final Analyzer ANALYZER = new PerFieldAnalyzerWrapper(
            VALUE,
            Map.of(
                    EventDocuments.RAW, rawAnalyzer(),
                    EventDocuments.SOURCE, new KeywordAnalyzer(),
                    EventDocuments.APPLICATION, new KeywordAnalyzer(),
                    EventDocuments.FIELDS, new KeywordAnalyzer()));

    EventQueryParser() {
        super(EventDocuments.RAW, ANALYZER);
        setAllowLeadingWildcard(true);
        setDefaultOperator(QueryParser.Operator.AND);
        setSplitOnWhitespace(true);
    }

    /** Parses {@code text}; blank means everything. */
    static Query parseQuery(String text) {
        if (text == null || text.isBlank()) {
            return new MatchAllDocsQuery();
        }
        try {
            return new EventQueryParser().parse(text);
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid query: " + firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid query: " + firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    protected Query getFieldQuery(String field, String queryText, boolean quoted) throws ParseException {
        switch (field) {
            case EventDocuments.ID -> {
                return LongField.newExactQuery(field, parseLong(field, queryText));
            }
            case EventDocuments.TIME, EventDocuments.RECEIVED -> {
                long[] r = timeRange(field, queryText);
                return LongField.newRangeQuery(field, r[0], r[1]);
            }
            default -> {
                return super.getFieldQuery(field, queryText, quoted);
            }
        }
    }

    @Override
    protected Query getWildcardQuery(String field, String termStr) throws ParseException {
        if ("*".equals(termStr) && !"*".equals(field) && !EventDocuments.RAW.equals(field)) {
            return new TermQuery(new Term(EventDocuments.FIELDS, field));
        }
        return super.getWildcardQuery(field, termStr);
    }

    @Override
    protected Query getRangeQuery(
            String field, String part1, String part2, boolean startInclusive, boolean endInclusive)
            throws ParseException {
        String lo = open(part1) ? null : part1;
        String hi = open(part2) ? null : part2;
        switch (field) {
            case EventDocuments.ID -> {
                long a = lo == null ? Long.MIN_VALUE : parseLong(field, lo);
                long b = hi == null ? Long.MAX_VALUE : parseLong(field, hi);
                return LongField.newRangeQuery(
                        field,
                        exclusiveLow(a, lo != null && !startInclusive),
                        exclusiveHigh(b, hi != null && !endInclusive));
            }
            case EventDocuments.TIME, EventDocuments.RECEIVED -> {
                long a = lo == null ? Long.MIN_VALUE : timeRange(field, lo)[0];
                long b = hi == null
                        ? Long.MAX_VALUE
                        : (endInclusive ? timeRange(field, hi)[1] : timeRange(field, hi)[0] - 1);
                if (lo != null && !startInclusive) {
                    a = timeRange(field, lo)[1] + 1;
                }
                return LongField.newRangeQuery(field, a, b);
            }
            default -> {
                Double a = lo == null ? null : numberOrNull(lo);
                Double b = hi == null ? null : numberOrNull(hi);
                boolean numeric = (lo == null || a != null) && (hi == null || b != null) && (a != null || b != null);
                if (numeric) {
                    double x = a == null ? Double.NEGATIVE_INFINITY : startInclusive ? a : Math.nextUp(a);
                    double y = b == null ? Double.POSITIVE_INFINITY : endInclusive ? b : Math.nextDown(b);
                    return DoublePoint.newRangeQuery(EventDocuments.NUMERIC + field, x, y);
                }
                return super.getRangeQuery(field, lo, hi, startInclusive, endInclusive);
            }
        }
    }

    private static boolean open(String part) {
        return part == null || part.equals("*");
    }

    private static long exclusiveLow(long v, boolean exclusive) {
        return exclusive && v != Long.MAX_VALUE ? v + 1 : v;
    }

    private static long exclusiveHigh(long v, boolean exclusive) {
        return exclusive && v != Long.MIN_VALUE ? v - 1 : v;
    }

    private static Double numberOrNull(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long parseLong(String field, String s) throws ParseException {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new ParseException(field + " takes a number, not '" + s + "'");
        }
    }

    /**
     * The millisecond range {@code [from, to]} an instant text covers: one millisecond for an instant or epoch
     * milliseconds, the whole (UTC) day for a date.
     */
    static long[] timeRange(String field, String s) throws ParseException {
        String t = s.strip();
        try {
            if (t.chars().allMatch(Character::isDigit) && !t.isEmpty() && t.length() != 8) {
                long ms = Long.parseLong(t);
                return new long[] {ms, ms};
            }
            if (t.length() == 10) {
                long start = LocalDate.parse(t)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli();
                return new long[] {start, start + 86_400_000L - 1};
            }
            long ms = EventDocuments.millis(Instant.parse(t));
            return new long[] {ms, ms};
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ParseException(field
                    + " takes an ISO-8601 instant (2025-01-31T12:00:00Z), a date (2025-01-31) or epoch milliseconds, not '"
                    + s + "'");
        }
    }
}
