package io.courier.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.ServiceInfo;

@Command(scope = "courier", name = "services", description = "Lists the Courier services: registered now or known from"
        + " earlier registrations, their state (paused, or calls hung past their timeout), queue depth, dead letters,"
        + " the messages delivered and expired, the last delivery time, and the live nodes it is registered on")
@Service
public class ServicesCommand extends TableCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Bundle");
        table.column("Version");
        table.column("State");
        table.column("Depth").alignRight();
        table.column("Dead").alignRight();
        table.column("Delivered").alignRight();
        table.column("Expired").alignRight();
        table.column("Last delivery");
        table.column("Nodes");
        for (ServiceInfo s : pubsub.services()) {
            table.addRow().addContent(s.name(),
                    s.bundle().map(b -> b.id() + " " + b.symbolicName()).orElse("-"),
                    s.bundle().map(ServiceInfo.Bundle::version).orElse("-"),
                    s.state(),
                    s.depth(), s.dead(), s.delivered(), s.expired(), Format.time(s.lastDeliveryAt()),
                    s.nodeList());
        }
        print(table);
        return null;
    }
}
