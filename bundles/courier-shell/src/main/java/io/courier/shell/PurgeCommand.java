package io.courier.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.shell.completers.TopicNameCompleter;

@Command(scope = "courier", name = "purge", description = "Deletes for good the pending messages (or, with --dead, the"
        + " dead letters) of a service or a shared topic; without --force it only says how many")
@Service
public class PurgeCommand extends CourierCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Argument(index = 0, name = "name", required = true, description = "A service name or a shared topic (/name)")
    @Completion(TopicNameCompleter.class)
    private String name;

    @Option(name = "--dead", description = "Delete the dead letters instead of the pending messages")
    private boolean dead;

    @Option(name = "--force", description = "Really delete")
    private boolean force;

    @Override
    protected Object run() {
        if (!force) {
            List<SubscriptionInfo> subs = pubsub.subscriptions().stream()
                    .filter(s -> name.startsWith("/") ? s.topic().equals(name) : s.subscriber().equals(name))
                    .toList();
            if (subs.isEmpty()) {
                throw new IllegalArgumentException("No service or shared topic named '" + name + "' is known"
                        + " (courier:services and courier:topics list them)");
            }
            long count = subs.stream().mapToLong(s -> dead ? s.dead() : s.depth()).sum();
            if (count == 0) {
                System.out.println("'" + name + "' has no " + what(count) + ": nothing to delete");
            } else {
                System.out.println("'" + name + "' has " + count + " " + what(count) + "; nothing was deleted."
                        + " To delete " + (count == 1 ? "it" : "them") + " for good: courier:purge "
                        + (dead ? "--dead " : "") + "--force " + name);
            }
            return null;
        }
        int deleted = pubsub.purge(name, dead);
        System.out.println("Deleted " + deleted + " " + what(deleted) + " of '" + name + "'");
        return null;
    }

    private String what(long count) {
        return (dead ? "dead letter" : "pending message") + (count == 1 ? "" : "s");
    }
}
