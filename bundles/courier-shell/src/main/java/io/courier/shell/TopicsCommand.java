package io.courier.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.TopicInfo;

@Command(scope = "courier", name = "topics", description = "Lists the topics with their depth (pending), in-flight"
        + " and dead deliveries and their last message")
@Service
public class TopicsCommand extends TableCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("Topic");
        table.column("Kind");
        table.column("Subscribers");
        table.column("Depth").alignRight();
        table.column("In flight").alignRight();
        table.column("Dead").alignRight();
        table.column("Last message");
        table.column("Last published");
        table.column("Last data");
        for (TopicInfo t : pubsub.topics()) {
            table.addRow().addContent(t.name(), t.shared() ? "shared" : "service", String.join(", ", t.subscribers()),
                    t.depth(), t.inFlight(), t.dead(), t.lastMsgId().orElse("-"), Format.time(t.lastMsgAt()),
                    Format.text(t.lastPreview(), 40));
        }
        print(table);
        return null;
    }
}
