package io.courier.pubsub.internal;

import java.sql.SQLException;

import io.courier.pubsub.internal.store.DatabaseSettings;
import io.courier.pubsub.internal.store.Dialect;

/**
 * Says in one line why the store's database did not open, naming the setting to fix, from the database's own
 * error: its SQLState says whether the login, the database's name or the server's address is wrong. The password
 * never appears, even where a driver's message would quote it.
 */
final class Problems {

    private Problems() {
    }

    static String describe(Throwable failure, DatabaseSettings settings, Dialect dialect) {
        SQLException sql = sqlCause(failure);
        if (sql == null) { // not the database's answer: a driver missing, a schema of a newer Courier
            return dialect.product() + " at " + settings.displayUrl() + ": " + hidePassword(firstLine(failure), settings);
        }
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        String message = hidePassword(firstLine(sql), settings);
        String where = dialect.product() + " at " + settings.displayUrl();
        String fix;
        if (state.startsWith("28")) { // invalid authorization: user or password refused
            fix = "check " + settings.userFrom() + " and " + settings.passwordFrom();
        } else if (state.equals("3D000")) { // no such database
            fix = "check the database named in " + settings.urlFrom() + ", or create it";
        } else if (state.startsWith("08")) { // no connection: address, port, server down
            fix = "check " + settings.urlFrom() + ", and that the server runs and accepts connections";
        } else {
            fix = "check " + settings.urlFrom();
        }
        return where + ": " + message + " (" + fix + ")";
    }

    /** The driver's own error: the innermost SQLException with a SQLState (a pool wraps it in its own), else any. */
    private static SQLException sqlCause(Throwable t) {
        SQLException found = null;
        for (Throwable c = t; c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof SQLException s && (found == null || s.getSQLState() != null)) {
                found = s;
            }
        }
        return found;
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int end = m.indexOf('\n');
        return (end < 0 ? m : m.substring(0, end)).strip();
    }

    private static String hidePassword(String message, DatabaseSettings settings) {
        return settings.password().isEmpty() ? message : message.replace(settings.password(), "***");
    }
}
