package io.courier.shell;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.felix.gogo.runtime.Token;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.Function;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.impl.action.command.ManagerImpl;
import org.apache.karaf.shell.impl.console.SessionFactoryImpl;
import org.apache.karaf.shell.support.CommandException;

import io.courier.shell.completers.ServiceNameCompleter;
import io.courier.shell.completers.TopicNameCompleter;

/**
 * Karaf's own shell, headless, with the courier commands registered as in the container: command lines are parsed,
 * options and arguments checked, services injected, output and errors as a user sees them.
 */
final class Console implements AutoCloseable {

    static final List<Class<?>> COMMANDS = List.of(ServicesCommand.class, TopicsCommand.class, TopicCommand.class,
            StatsCommand.class, DeliveryConfigCommand.class, BrowseCommand.class, PublishCommand.class,
            InvokeCommand.class, InvokeAsyncCommand.class, RetryCommand.class, PurgeCommand.class,
            PauseCommand.class, ResumeCommand.class, MessageCommand.class, DatabaseCommand.class,
            NodesCommand.class);

    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private final SessionFactoryImpl shell;

    /** @param services what the commands' {@code @Reference} fields get, by type */
    Console(Object... services) {
        threadIO.start();
        shell = new SessionFactoryImpl(threadIO) {
            @Override
            protected Function wrap(Command command) {
                // as Karaf's secured session factory does in the container: the words of a line reach the
                // command as strings, not as the parser's tokens (which Karaf cannot convert to numbers)
                Function wrapped = super.wrap(command);
                return (session, arguments) -> wrapped.execute(session, arguments.stream()
                        .map(a -> a instanceof Token ? a.toString() : a).toList());
            }
        };
        for (Object service : services) {
            shell.register(service);
        }
        ManagerImpl manager = new ManagerImpl(shell, shell);
        manager.register(ServiceNameCompleter.class);
        manager.register(TopicNameCompleter.class);
        COMMANDS.forEach(manager::register);
    }

    /** Runs a command line that must succeed; returns what it printed. */
    String run(String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Session session = shell.create(new ByteArrayInputStream(new byte[0]), out, out);
            try {
                Object result = session.execute(line);
                if (result != null) {
                    out.println(result);
                }
            } finally {
                session.close();
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Runs a command line that must fail as a user's mistake: a {@link CommandException}, which Karaf shows as
     * its text alone (anything else it also logs as a fault, with a stack trace). Returns that text.
     */
    String error(String line) {
        CommandException e = assertThrows(CommandException.class, () -> run(line), line);
        return e.getNiceHelp().replaceAll("\u001B\\[[;\\d]*m", ""); // without Karaf's colours
    }

    @Override
    public void close() {
        shell.stop();
        threadIO.stop();
    }
}
