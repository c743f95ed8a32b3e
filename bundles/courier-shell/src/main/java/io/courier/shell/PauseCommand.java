package io.courier.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.courier.pubsub.PubSubAdmin;
import io.courier.shell.completers.TopicNameCompleter;

@Command(scope = "courier", name = "pause", description = "Pauses delivery to a service or a shared topic's"
        + " subscribers: messages are still stored and wait; the pause survives restarts")
@Service
public class PauseCommand extends CourierCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Argument(index = 0, name = "name", required = true, description = "A service name or a shared topic (/name)")
    @Completion(TopicNameCompleter.class)
    private String name;

    @Override
    protected Object run() {
        pubsub.pause(name);
        System.out.println("Delivery to '" + name + "' paused: messages wait until courier:resume " + name);
        return null;
    }
}
