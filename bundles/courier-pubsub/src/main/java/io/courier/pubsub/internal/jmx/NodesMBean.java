package io.courier.pubsub.internal.jmx;

import java.util.List;

import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.PubSubAdmin;

@Component(service = NodesMXBean.class, property = "jmx.objectname=io.courier:type=nodes")
public class NodesMBean extends StandardMBean implements NodesMXBean {

    @Reference
    private PubSubAdmin pubsub;

    public NodesMBean() throws NotCompliantMBeanException {
        super(NodesMXBean.class, true);
    }

    @Override
    public List<NodeView> getNodes() {
        return pubsub.nodes().stream().map(NodeView::new).toList();
    }

    @Override
    public int getLiveNodes() {
        return (int) pubsub.nodes().stream().filter(n -> n.state() == NodeInfo.State.LIVE).count();
    }

    @Override
    public String getThisNode() {
        return pubsub.nodes().stream().filter(NodeInfo::self).map(NodeInfo::name).findFirst().orElse("");
    }
}
