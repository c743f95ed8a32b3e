package io.courier.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.courier.pubsub.PubSubAdmin;
import io.courier.shell.completers.TopicNameCompleter;

@Command(scope = "courier", name = "resume", description = "Resumes delivery paused by courier:pause; waiting"
        + " messages go out at once")
@Service
public class ResumeCommand extends CourierCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Argument(index = 0, name = "name", required = true, description = "A service name or a shared topic (/name)")
    @Completion(TopicNameCompleter.class)
    private String name;

    @Override
    protected Object run() {
        pubsub.resume(name);
        System.out.println("Delivery to '" + name + "' resumed");
        return null;
    }
}
