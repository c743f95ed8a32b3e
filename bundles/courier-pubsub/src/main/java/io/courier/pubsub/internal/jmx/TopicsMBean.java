package io.courier.pubsub.internal.jmx;

import java.util.List;

import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.TopicInfo;

@Component(service = TopicsMXBean.class, property = "jmx.objectname=io.courier:type=topics")
public class TopicsMBean extends StandardMBean implements TopicsMXBean {

    @Reference
    private PubSubAdmin pubsub;

    public TopicsMBean() throws NotCompliantMBeanException {
        super(TopicsMXBean.class, true);
    }

    @Override
    public List<TopicView> getTopics() {
        return pubsub.topics().stream().map(TopicView::new).toList();
    }

    @Override
    public long getTotalDepth() {
        return pubsub.topics().stream().mapToLong(TopicInfo::depth).sum();
    }

    @Override
    public long getTotalInFlight() {
        return pubsub.topics().stream().mapToLong(TopicInfo::inFlight).sum();
    }

    @Override
    public long getTotalDead() {
        return pubsub.topics().stream().mapToLong(TopicInfo::dead).sum();
    }

    @Override
    public int retry(String msgId) {
        return pubsub.retry(msgId);
    }

    @Override
    public int retryDead(String name) {
        return pubsub.retryDead(name);
    }

    @Override
    public int purge(String name, boolean dead) {
        return pubsub.purge(name, dead);
    }
}
