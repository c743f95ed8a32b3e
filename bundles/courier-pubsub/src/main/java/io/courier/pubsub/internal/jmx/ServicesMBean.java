package io.courier.pubsub.internal.jmx;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.ServiceStats;

@Component(service = ServicesMXBean.class, property = "jmx.objectname=io.courier:type=services")
public class ServicesMBean extends StandardMBean implements ServicesMXBean {

    @Reference
    private PubSubAdmin pubsub;

    public ServicesMBean() throws NotCompliantMBeanException {
        super(ServicesMXBean.class, true);
    }

    @Override
    public List<ServiceView> getServices() {
        Map<String, ServiceStats> stats = pubsub.stats().stream()
                .collect(Collectors.toMap(ServiceStats::service, Function.identity()));
        return pubsub.services().stream().map(s -> new ServiceView(s, stats.get(s.name()))).toList();
    }

    @Override
    public double getPublishedPerSecond() {
        return total(ServiceStats::publishedPerSecond);
    }

    @Override
    public double getDeliveredPerSecond() {
        return total(ServiceStats::deliveredPerSecond);
    }

    @Override
    public double getFailedPerSecond() {
        return total(ServiceStats::failedPerSecond);
    }

    @Override
    public double getClusterPublishedPerSecond() {
        return sum(pubsub.clusterStats(), ServiceStats::publishedPerSecond);
    }

    @Override
    public double getClusterDeliveredPerSecond() {
        return sum(pubsub.clusterStats(), ServiceStats::deliveredPerSecond);
    }

    @Override
    public double getClusterFailedPerSecond() {
        return sum(pubsub.clusterStats(), ServiceStats::failedPerSecond);
    }

    private double total(ToDoubleFunction<ServiceStats> rate) {
        return sum(pubsub.stats(), rate);
    }

    private static double sum(List<ServiceStats> stats, ToDoubleFunction<ServiceStats> rate) {
        return stats.stream().mapToDouble(rate).sum();
    }

    @Override
    public void pause(String name) {
        pubsub.pause(name);
    }

    @Override
    public void resume(String name) {
        pubsub.resume(name);
    }
}
