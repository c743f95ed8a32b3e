package io.courier.web.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.SubscriptionInfo;

/**
 * Something an operator should look at, with where it is fixed: the dashboard's "needs attention" list and
 * {@code GET /courier/api/attention}.
 *
 * @param kind    {@code dead-letters}, {@code paused}, {@code no-live-node}, {@code hung} or {@code node-gone}
 * @param subject the service, shared topic or node it is about
 * @param text    what it is, in a sentence
 * @param href    the page where it is fixed
 */
record Attention(String kind, String subject, String text, String href) {

    /** How far back "recently" reaches for new dead letters. */
    static final long RECENT_MS = 15 * 60_000;

    /**
     * The list, services first (by name), then nodes.
     *
     * @param newDeadLetters whether messages of a service became dead letters within {@link #RECENT_MS}
     */
    static List<Attention> of(List<ServiceInfo> services, List<SubscriptionInfo> subscriptions, List<NodeInfo> nodes,
            Predicate<String> newDeadLetters) {
        List<Attention> list = new ArrayList<>();
        for (ServiceInfo s : services) {
            String page = Pages.service(s.name());
            if (s.dead() > 0 && newDeadLetters.test(s.name())) {
                list.add(new Attention("dead-letters", s.name(), "'" + s.name() + "' has " + s.dead() + " dead "
                        + (s.dead() == 1 ? "letter" : "letters") + ", some new in the last 15 minutes",
                        Pages.browse(s.name(), true, null)));
            }
            if (s.paused()) {
                list.add(new Attention("paused", s.name(), "Delivery to '" + s.name() + "' is paused (" + s.depth()
                        + " waiting)", page));
            }
            if (s.depth() > 0 && s.nodes().isEmpty()) {
                list.add(new Attention("no-live-node", s.name(), "'" + s.name() + "' has " + s.depth() + " pending "
                        + (s.depth() == 1 ? "message" : "messages") + " and is registered on no live node", page));
            }
            if (s.hung() > 0) {
                list.add(new Attention("hung", s.name(), "'" + s.name() + "' has " + s.hung() + " "
                        + (s.hung() == 1 ? "call" : "calls") + " past its delivery timeout still holding a handler"
                        + " thread", page));
            }
        }
        Set<String> paused = services.stream().filter(ServiceInfo::paused).map(ServiceInfo::name)
                .collect(Collectors.toSet());
        Map<String, List<SubscriptionInfo>> pausedByTopic = subscriptions.stream()
                .filter(sub -> sub.paused() && !paused.contains(sub.subscriber()))
                .collect(Collectors.groupingBy(SubscriptionInfo::topic, TreeMap::new, Collectors.toList()));
        pausedByTopic.forEach((topic, subs) -> {
            String name = topic.startsWith("/") ? topic : subs.get(0).subscriber();
            list.add(new Attention("paused", name, "Delivery of '" + topic + "' to " + subs.stream()
                    .map(sub -> "'" + sub.subscriber() + "'").collect(Collectors.joining(", ")) + " is paused ("
                    + subs.stream().mapToLong(SubscriptionInfo::depth).sum() + " waiting)", Pages.service(name)));
        });
        for (NodeInfo n : nodes) {
            if (n.state() == NodeInfo.State.GONE) {
                list.add(new Attention("node-gone", n.name(), "Node '" + n.name() + "' is gone: no heartbeat since "
                        + Html.time(n.heartbeatAt()), Pages.BASE + "/#nodes"));
            }
        }
        return list;
    }
}
