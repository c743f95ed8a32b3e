package io.courier.shell;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.core.RegisteredService;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.SubscriptionInfo;

@Command(scope = "courier", name = "services", description = "Lists the Courier services: registered now or known from"
        + " earlier registrations, with their queue depth, dead letters, and the messages delivered and expired")
@Service
public class ServicesCommand extends TableCommand {

    @Reference
    private ServiceRegistry registry;

    @Reference
    private PubSubAdmin pubsub;

    @Override
    public Object execute() {
        // per service, all its subscriptions: depth, dead, delivered, expired
        Map<String, long[]> queues = new TreeMap<>();
        for (SubscriptionInfo s : pubsub.subscriptions()) {
            long[] q = queues.computeIfAbsent(s.subscriber(), k -> new long[4]);
            q[0] += s.depth();
            q[1] += s.dead();
            q[2] += s.delivered();
            q[3] += s.expired();
        }
        registry.services().forEach(s -> queues.computeIfAbsent(s.name(), k -> new long[4]));

        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Bundle");
        table.column("Version");
        table.column("State");
        table.column("Depth").alignRight();
        table.column("Dead").alignRight();
        table.column("Delivered").alignRight();
        table.column("Expired").alignRight();
        queues.forEach((name, q) -> {
            Optional<RegisteredService> s = registry.find(name);
            table.addRow().addContent(name,
                    s.map(r -> r.bundleId() + " " + r.bundleSymbolicName()).orElse("-"),
                    s.map(RegisteredService::bundleVersion).orElse("-"),
                    s.isPresent() ? "active" : "unregistered", q[0], q[1], q[2], q[3]);
        });
        print(table);
        return null;
    }
}
