package dev.vigil.server.ingest;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.TransactionTimedOutException;

/**
 * What an {@link EventSink} failure says about its batch: the store behind the sink is unavailable ({@link
 * Kind#OUTAGE}: nothing is wrong with the records, the same batch succeeds once the store is back), the store is up
 * but this statement did not finish ({@link Kind#STATEMENT}: it timed out, was canceled, or its transaction was rolled
 * back by a serialization failure or a deadlock — retrying may succeed, but a record that makes the statement slow
 * fails it every time), a record carries a value the sink or its store refuses ({@link Kind#RECORD}: retrying the same
 * batch fails again, the record has to be isolated), or none of these can be told ({@link Kind#UNKNOWN}).
 *
 * <p>Why it matters: the pipeline bisects a failing batch to isolate a bad record. A store outage that only hits the
 * halves that write to the store (detection writes to the alert store only for batches that raise alerts) looks,
 * to bisection, exactly like a bad record; classifying the failure first keeps an outage from being blamed on a
 * record. An outage is waited out without limit; a statement failure is retried for a bounded time and then isolated,
 * so one record whose insert always times out cannot hold ingest forever.
 *
 * <p>The cause chain is searched (with {@link SQLException#getNextException()} and, for a failed commit or rollback
 * ({@link TransactionSystemException}), the failure of the work it rolled back first). An SQLState anywhere in the
 * chain decides over the exception types wrapping it:
 *
 * <ul>
 *   <li>outage: class {@code 08} (connection), {@code 53} (insufficient resources), {@code 57P} (server shutting down
 *       or starting);
 *   <li>statement: {@code 57014} (query canceled: {@code statement_timeout}, a JDBC query timeout, a cancel request),
 *       class {@code 40} (serialization failure, deadlock), {@code 55P03} (lock not available), and a class {@code 08}
 *       failure of an established connection caused by a read timeout (pgjdbc's {@code socketTimeout}: {@code 08006}
 *       over {@link java.net.SocketTimeoutException} "Read timed out" — the server did not answer this statement in
 *       time; if the server is really gone, the retry meets a refused or timed-out connect, an outage);
 *   <li>record: class {@code 22} (data exception) or {@code 23} (integrity constraint).
 * </ul>
 *
 * <p>Without a decisive SQLState, by type: statement — Spring's {@link QueryTimeoutException}, {@link
 * ConcurrencyFailureException} (lock, serialization and deadlock failures), {@link TransactionTimedOutException}, JDBC's
 * {@link SQLTimeoutException} and {@link SQLTransactionRollbackException}, a read timeout ({@link
 * java.net.SocketTimeoutException} "Read timed out") anywhere in the chain; outage — any other {@link
 * TransientDataAccessException}, {@link DataAccessResourceFailureException} (connection refused or lost, no connection
 * from the pool), {@link RecoverableDataAccessException}, {@link CannotCreateTransactionException}, any other {@link
 * SQLTransientException} (the pool timing out), {@link SQLRecoverableException}, {@link java.net.ConnectException},
 * any other {@link java.net.SocketTimeoutException} (a connect timeout), {@link java.net.SocketException} (connection
 * reset), and a commit or
 * rollback that failed with nothing else behind it; record — {@link DataIntegrityViolationException}. Everything else
 * is unknown: another SQLState, or a failure of the engine or the alert builder on a value, which the pipeline's
 * bisection still isolates when it fails alone (its sibling half succeeds).
 */
public final class SinkFailure {
    private SinkFailure() {}

    /** The four classes of a sink failure. */
    public enum Kind {
        /** The store is unavailable: retry the same batch until it is back, blame no record. */
        OUTAGE,
        /**
         * The store is up but the statement did not finish (timeout, cancel, serialization failure, deadlock): retry
         * for a bounded time, then isolate the record that makes it fail.
         */
        STATEMENT,
        /** A record's value is refused: isolate the record. */
        RECORD,
        /** None of these can be told. */
        UNKNOWN
    }

    /** The class of {@code failure} (see the class comment). */
    public static Kind of(Throwable failure) {
        return of(failure, new IdentityHashMap<>());
    }

    private static Kind of(Throwable failure, Map<Throwable, Boolean> seen) {
        boolean transaction = false;
        Kind byType = null;
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof TransactionSystemException tse) {
                // a rollback or commit that failed after the work failed: the work's failure says what happened
                Throwable work = tse.getApplicationException();
                Kind k = work == null || seen.containsKey(work) ? Kind.UNKNOWN : of(work, seen);
                if (k != Kind.UNKNOWN) {
                    return k;
                }
                transaction = true;
            }
            if (t instanceof SQLException sql) {
                Kind k = ofState(sql.getSQLState());
                if (k == Kind.OUTAGE && !establishing(sql.getSQLState()) && readTimedOut(sql.getCause())) {
                    // pgjdbc's socketTimeout: 08006 on a connection that was up, the statement did not answer in time
                    return Kind.STATEMENT;
                }
                if (k != null) {
                    return k; // the database's own code is more precise than the types wrapping it
                }
                // a batch's failure can be carried by the next exception (BatchUpdateException)
                SQLException next = sql.getNextException();
                if (next != null && !seen.containsKey(next)) {
                    k = of(next, seen);
                    if (k != Kind.UNKNOWN) {
                        return k;
                    }
                }
            }
            if (t instanceof java.net.SocketTimeoutException timeout && readTimeout(timeout)) {
                return Kind.STATEMENT; // a read timed out, whatever wraps it
            }
            if (byType == null) {
                byType = ofType(t);
            }
        }
        if (byType != null) {
            return byType;
        }
        // a commit or rollback the connection failed, without a data error behind it: the connection broke
        return transaction ? Kind.OUTAGE : Kind.UNKNOWN;
    }

    /** True when {@code failure} is an outage of the store behind the sink. */
    public static boolean isOutage(Throwable failure) {
        return of(failure) == Kind.OUTAGE;
    }

    private static Kind ofState(String s) {
        if (s == null || s.length() < 2) {
            return null;
        }
        if (s.equals("57014") || s.startsWith("40") || s.equals("55P03")) {
            return Kind.STATEMENT;
        }
        if (s.startsWith("08") || s.startsWith("53") || s.startsWith("57P")) {
            return Kind.OUTAGE;
        }
        if (s.startsWith("22") || s.startsWith("23")) {
            return Kind.RECORD;
        }
        return null;
    }

    /** Class 08 codes of a connection that was never established (no statement was sent on it). */
    private static boolean establishing(String state) {
        return state.equals("08001") || state.equals("08004");
    }

    /** A read timeout (not a connect timeout) in {@code t}'s cause chain. */
    private static boolean readTimedOut(Throwable t) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException timeout) {
                return readTimeout(timeout);
            }
        }
        return false;
    }

    /**
     * A read on a connected socket timed out: the JDK says "Read timed out" (a connect that timed out is "Connect timed
     * out", the same type). One that says neither is not taken for a read timeout: it stays an outage, which loses
     * nothing.
     */
    private static boolean readTimeout(java.net.SocketTimeoutException e) {
        String message = e.getMessage();
        return message != null && message.toLowerCase(java.util.Locale.ROOT).contains("read timed out");
    }

    private static Kind ofType(Throwable t) {
        // statement types first: several of them extend the transient (outage) types
        if (t instanceof QueryTimeoutException
                || t instanceof ConcurrencyFailureException
                || t instanceof TransactionTimedOutException
                || t instanceof SQLTimeoutException
                || t instanceof SQLTransactionRollbackException) {
            return Kind.STATEMENT;
        }
        if (t instanceof TransientDataAccessException
                || t instanceof DataAccessResourceFailureException
                || t instanceof RecoverableDataAccessException
                || t instanceof CannotCreateTransactionException
                || t instanceof SQLTransientException
                || t instanceof SQLRecoverableException
                || t instanceof java.net.ConnectException
                || t instanceof java.net.SocketTimeoutException
                || t instanceof java.net.SocketException) {
            return Kind.OUTAGE;
        }
        if (t instanceof DataIntegrityViolationException) {
            return Kind.RECORD;
        }
        return null;
    }
}
