package io.courier.shell;

import java.time.Duration;

import org.apache.karaf.shell.api.action.Action;
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
public class PublishCommand implements Action {

    @Reference
    private PubSub pubsub;

    @Argument(index = 0, name = "name", required = true, description = "A service name or a shared topic (/name)")
    @Completion(TopicNameCompleter.class)
    private String name;

    @Argument(index = 1, name = "json", required = true, description = "The data, as JSON; quote it: '{\"a\":1}'")
    private String json;

    @Option(name = "--priority", description = "1 (lowest) to 9 (highest), default 5")
    private int priority = PublishOptions.DEFAULT_PRIORITY;

    @Option(name = "--expiration", description = "Milliseconds after which the message is no longer delivered")
    private Long expirationMs;

    @Option(name = "--correlation-id", description = "The correlation id; a new one by default")
    private String correlationId;

    @Override
    public Object execute() {
        Object data = Format.json("data", json);
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
}
