package io.courier.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.core.ServiceRegistry;
import io.courier.pubsub.PolicyValue;
import io.courier.pubsub.PubSubAdmin;
import io.courier.shell.completers.ServiceNameCompleter;

@Command(scope = "courier", name = "delivery-config", description = "Shows a service's effective delivery policy"
        + " (attempts, backoff, order, timeout) and where each value comes from: a service property, its"
        + " io.courier.delivery configuration, or the io.courier.pubsub defaults")
@Service
public class DeliveryConfigCommand extends TableCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Reference
    private ServiceRegistry registry;

    @Argument(index = 0, name = "service", required = true, description = "A service name")
    @Completion(ServiceNameCompleter.class)
    private String service;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("Key");
        table.column("Value").alignRight();
        table.column("Source");
        for (PolicyValue v : pubsub.deliveryPolicy(service)) {
            table.addRow().addContent(v.key(), v.value(), v.source());
        }
        print(table);
        if (registry.find(service).isEmpty() && !isNoFormat()) {
            System.out.println("'" + service + "' is not registered now: its own courier.delivery.* properties,"
                    + " if any, apply once it registers again");
        }
        return null;
    }
}
