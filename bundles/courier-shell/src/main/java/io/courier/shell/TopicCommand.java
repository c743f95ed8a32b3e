package io.courier.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.TopicInfo;
import io.courier.shell.completers.TopicNameCompleter;

@Command(scope = "courier", name = "topic", description = "Shows one topic: its queue figures, its last message with"
        + " the beginning of its data, and each subscription with its own figures")
@Service
public class TopicCommand extends TableCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Argument(index = 0, name = "name", required = true, description = "A service name or a shared topic (/name)")
    @Completion(TopicNameCompleter.class)
    private String name;

    @Override
    protected Object run() {
        TopicInfo t = pubsub.topics().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No topic named '" + name + "' is known"
                        + " (courier:topics lists them)"));
        List<SubscriptionInfo> subs = pubsub.subscriptions().stream().filter(s -> s.topic().equals(name)).toList();

        ShellTable facts = new ShellTable().noHeaders();
        facts.column("Field");
        facts.column("Value");
        facts.addRow().addContent("Topic", t.name());
        facts.addRow().addContent("Kind", t.shared() ? "shared" : "service");
        facts.addRow().addContent("Depth", t.depth());
        facts.addRow().addContent("In flight", t.inFlight());
        facts.addRow().addContent("Dead", t.dead());
        facts.addRow().addContent("Last message", t.lastMsgId().orElse("-"));
        facts.addRow().addContent("Last published", Format.time(t.lastMsgAt()));
        facts.addRow().addContent("Last data", Format.text(t.lastPreview(), 80));
        print(facts);

        ShellTable table = new ShellTable();
        table.column("Subscriber");
        table.column("State");
        table.column("Depth").alignRight();
        table.column("In flight").alignRight();
        table.column("Dead").alignRight();
        table.column("Delivered").alignRight();
        table.column("Expired").alignRight();
        table.column("Last delivery");
        for (SubscriptionInfo s : subs) {
            table.addRow().addContent(s.subscriber(), s.paused() ? "paused" : "delivering", s.depth(), s.inFlight(),
                    s.dead(), s.delivered(), s.expired(), Format.time(s.lastDeliveryAt()));
        }
        print(table);
        return null;
    }
}
