package io.courier.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.courier.pubsub.PubSubAdmin;
import io.courier.shell.completers.TopicNameCompleter;

@Command(scope = "courier", name = "retry", description = "Delivers dead letters again, with a fresh count of attempts:"
        + " one message's (retry <message id>) or all of a service's or shared topic's (retry --dead <name>)")
@Service
public class RetryCommand extends CourierCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Option(name = "--dead", description = "Every dead letter of this service or shared topic")
    @Completion(TopicNameCompleter.class)
    private String deadOf;

    @Argument(index = 0, name = "message id", description = "The message whose dead letters to retry")
    private String msgId;

    @Override
    protected Object run() {
        if ((msgId == null) == (deadOf == null)) {
            throw new IllegalArgumentException("Give a message id, or --dead <name> for every dead letter of a service"
                    + " or shared topic");
        }
        if (msgId != null) {
            int n = pubsub.retry(msgId);
            if (n == 0) {
                throw new IllegalArgumentException("Message '" + msgId + "' has no dead letter"
                        + " (courier:browse --dead <name> lists them)");
            }
            System.out.println("Retrying " + n + " dead " + (n == 1 ? "letter" : "letters") + " of message " + msgId);
        } else {
            int n = pubsub.retryDead(deadOf);
            System.out.println("Retrying " + n + " dead " + (n == 1 ? "letter" : "letters") + " of '" + deadOf + "'");
        }
        return null;
    }
}
