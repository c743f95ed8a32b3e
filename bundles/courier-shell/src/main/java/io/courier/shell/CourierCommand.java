package io.courier.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.support.CommandException;

import io.courier.api.CourierException;
import io.courier.pubsub.StoreUnavailableException;

/**
 * A Courier command. What goes wrong because of its input (a bad argument, an unknown name, a refused publish, a
 * service's own error) or because the store's database does not answer is shown to the user as one line and logged
 * at debug level only: Karaf's log keeps its errors for faults of the server.
 */
abstract class CourierCommand implements Action {

    @Override
    public final Object execute() throws Exception {
        try {
            return run();
        } catch (IllegalArgumentException | CourierException | StoreUnavailableException e) {
            throw error(e.getMessage(), e);
        }
    }

    /** The error a user reads, as Karaf prints it: "Error executing command: " and the message, on one line. */
    static CommandException error(String message, Throwable cause) {
        String line = String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
        // (help printed to the user, message, cause)
        return new CommandException("Error executing command: " + line, line, cause);
    }

    /** What the command does; its return value is printed by the shell, if not null. */
    protected abstract Object run() throws Exception;
}
