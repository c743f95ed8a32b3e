package io.courier.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.courier.api.PubSub;
import io.courier.api.PublishOptions;
import io.courier.shell.completers.TopicNameCompleter;

@Command(scope = "courier", name = "publish", description = "Publishes a durable message to a service or a shared"
        + " topic and prints its id once it is stored")
@Service
public class PublishCommand extends CourierCommand {

    @Reference
    private PubSub pubsub;

    @Argument(index = 0, name = "name", required = true, description = "A service name or a shared topic (/name)")
    @Completion(TopicNameCompleter.class)
    private String name;

    @Argument(index = 1, name = "json", required = false, description = "The data, as JSON; quote it: '{\"a\":1}'")
    private String json;

    @Option(name = "--file", description = "Read the data (JSON) from this file instead; a relative path starts at"
            + " the Karaf home folder")
    private String file;

    @Option(name = "--priority", description = "1 (lowest) to 9 (highest), default 5")
    private int priority = PublishOptions.DEFAULT_PRIORITY;

    @Option(name = "--expiration", description = "Milliseconds after which the message is no longer delivered")
    private Long expirationMs;

    @Option(name = "--correlation-id", description = "The correlation id; a new one by default")
    private String correlationId;

    @Override
    protected Object run() {
        if (json != null && file != null) {
            throw new IllegalArgumentException("Give the data either as JSON after the name or with --file, not both");
        }
        Object data = Format.json("data", json != null ? json : read());
        PublishOptions.Builder options = PublishOptions.builder().priority(priority).correlationId(correlationId);
        if (expirationMs != null) {
            if (expirationMs <= 0) {
                throw new IllegalArgumentException("--expiration must be a positive number of milliseconds, not "
                        + expirationMs);
            }
            options.expiration(Duration.ofMillis(expirationMs));
        }
        System.out.println(pubsub.publish(name, data, options.build()));
        return null;
    }

    /** The data from --file; exactly one of the argument and --file must be given. */
    private String read() {
        if (file == null) {
            throw new IllegalArgumentException("Give the data as JSON after the name, or with --file <path>");
        }
        Path path = Path.of(System.getProperty("karaf.base", ".")).resolve(file);
        try {
            return Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("No file " + path + "; nothing was published");
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("Cannot read " + path + " (" + e.getMessage() + "); nothing was"
                    + " published");
        }
    }
}
