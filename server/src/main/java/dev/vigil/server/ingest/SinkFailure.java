package dev.vigil.server.ingest;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * What an {@link EventSink} failure says about its batch: the store behind the sink is unavailable ({@link
 * Kind#OUTAGE}: nothing is wrong with the records, the same batch succeeds once the store is back), a record carries a
 * value the sink or its store refuses ({@link Kind#RECORD}: retrying the same batch fails again, the record has to be
 * isolated), or neither can be told ({@link Kind#UNKNOWN}).
 *
 * <p>Why it matters: the pipeline bisects a failing batch to isolate a bad record. A store outage that only hits the
 * halves that write to the store (detection writes to the alert store only for batches that raise alerts) looks,
 * to bisection, exactly like a bad record; classifying the failure first keeps an outage from being blamed on a
 * record.
 *
 * <p>The cause chain is searched. An outage: Spring's {@link TransientDataAccessException} (timeouts, lock and
 * serialization failures), {@link DataAccessResourceFailureException} (connection refused or lost), {@link
 * RecoverableDataAccessException}, {@link CannotCreateTransactionException} (no connection for the transaction), a
 * {@link TransactionSystemException} (commit or rollback failed; the failure of the work it rolled back is classified
 * first), JDBC's
 * {@link SQLTransientException} (the pool timing out) and {@link SQLRecoverableException}, an {@link SQLException} of
 * SQLState class {@code 08} (connection), {@code 53} (insufficient resources), {@code 57P} (server shutting down or
 * starting) or {@code 40} (transaction rolled back: serialization failure, deadlock), and a {@link
 * java.net.ConnectException}, {@link java.net.SocketTimeoutException} or {@link java.net.SocketException} (connection
 * reset). A record error: SQLState class {@code 22} (data exception) or {@code 23} (integrity constraint), {@link
 * DataIntegrityViolationException}. Everything else is unknown: another SQLState, or a failure of the engine or the
 * alert builder on a value, which the pipeline's bisection still isolates when it fails alone (its sibling half
 * succeeds).
 */
public final class SinkFailure {
    private SinkFailure() {}

    /** The three classes of a sink failure. */
    public enum Kind {
        /** The store is unavailable: retry the same batch later, blame no record. */
        OUTAGE,
        /** A record's value is refused: isolate the record. */
        RECORD,
        /** Neither can be told. */
        UNKNOWN
    }

    /** The class of {@code failure} (see the class comment). */
    public static Kind of(Throwable failure) {
        return of(failure, new IdentityHashMap<>());
    }

    private static Kind of(Throwable failure, Map<Throwable, Boolean> seen) {
        boolean transaction = false;
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
            if (outage(t)) {
                return Kind.OUTAGE;
            }
            if (t instanceof DataIntegrityViolationException) {
                return Kind.RECORD;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                    return Kind.RECORD;
                }
                // a batch's failure can be carried by the next exception (BatchUpdateException)
                SQLException next = sql.getNextException();
                if (next != null && !seen.containsKey(next)) {
                    Kind k = of(next, seen);
                    if (k != Kind.UNKNOWN) {
                        return k;
                    }
                }
            }
        }
        // a commit or rollback the connection failed, without a data error behind it: the connection broke
        return transaction ? Kind.OUTAGE : Kind.UNKNOWN;
    }

    /** True when {@code failure} is an outage of the store behind the sink. */
    public static boolean isOutage(Throwable failure) {
        return of(failure) == Kind.OUTAGE;
    }

    private static boolean outage(Throwable t) {
        if (t instanceof TransientDataAccessException
                || t instanceof DataAccessResourceFailureException
                || t instanceof RecoverableDataAccessException
                || t instanceof CannotCreateTransactionException
                || t instanceof SQLTransientException
                || t instanceof SQLRecoverableException
                || t instanceof java.net.ConnectException
                || t instanceof java.net.SocketTimeoutException
                || t instanceof java.net.SocketException) {
            return true;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            String s = sql.getSQLState();
            return s.startsWith("08") || s.startsWith("53") || s.startsWith("57P") || s.startsWith("40");
        }
        return false;
    }
}
