package io.courier.web.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.TopicInfo;

/**
 * The figures behind the dashboard's charts, sampled every {@value #EVERY_MS} ms and kept for the last
 * {@value #POINTS} samples (15 minutes), in memory: for the cluster, each live node and each service, messages
 * published, delivered, failed and dead-lettered per second (from the nodes' totals, {@code courier:stats}), and the
 * queue: pending deliveries ({@code depth}), those in hand ({@code inFlight}) and dead letters ({@code dead});
 * for each shared topic its queue. A figure a series does not have (a node's depth: the queue is shared) or did not
 * have yet is null. The history starts with the web bundle.
 */
final class History {

    static final long EVERY_MS = 5_000;
    static final int POINTS = 180;
    /** A series' figures, in order. */
    static final List<String> FIGURES = List.of("published", "delivered", "failed", "deadLettered", "depth",
            "inFlight", "dead");

    private static final int RATES = 4;
    private static final int DEPTH = 4;
    private static final int IN_FLIGHT = 5;
    private static final int DEAD = 6;

    private final long[] at = new long[POINTS];
    private int count;
    private int next;
    private final Series cluster = new Series();
    private final Map<String, Series> nodes = new TreeMap<>();
    private final Map<String, Series> services = new HashMap<>();
    /** Each node's figures of the last sample, to tell what it did since. */
    private Map<String, NodeSample> lastNodes = Map.of();

    /**
     * Takes a sample.
     *
     * @param stats  every live node's figures ({@code PubSubAdmin.nodeStats})
     * @param live   the live nodes, for their deliveries in hand
     * @param queues the services with their queues
     * @param topics the topics, for the shared ones' queues
     */
    synchronized void sample(long now, List<NodeStats> stats, List<NodeInfo> live, List<ServiceInfo> queues,
            List<TopicInfo> topics) {
        Map<String, NodeSample> samples = new HashMap<>();
        Map<String, double[]> values = new HashMap<>();
        double[] clusterValues = values.computeIfAbsent("", k -> empty());
        for (NodeStats n : stats) {
            NodeSample sample = NodeSample.of(n, now, lastNodes.get(n.node()));
            samples.put(n.node(), sample);
            double[] nodeValues = values.computeIfAbsent("node:" + n.node(), k -> empty());
            if (sample.rates() == null) {
                continue; // first seen: what it did before is not this sample's
            }
            sample.rates().forEach((service, rates) -> {
                double[] serviceValues = values.computeIfAbsent("service:" + service, k -> empty());
                for (int i = 0; i < RATES; i++) {
                    serviceValues[i] = plus(serviceValues[i], rates[i]);
                    nodeValues[i] = plus(nodeValues[i], rates[i]);
                }
            });
            for (int i = 0; i < RATES; i++) { // a node that did nothing: zero, not missing
                nodeValues[i] = plus(nodeValues[i], 0);
                clusterValues[i] = plus(clusterValues[i], nodeValues[i]);
            }
        }
        for (NodeInfo n : live) {
            double[] nodeValues = values.computeIfAbsent("node:" + n.name(), k -> empty());
            nodeValues[IN_FLIGHT] = n.inFlight();
            clusterValues[IN_FLIGHT] = plus(clusterValues[IN_FLIGHT], n.inFlight());
        }
        clusterValues[DEPTH] = 0;
        clusterValues[DEAD] = 0;
        boolean ratesKnown = !Double.isNaN(clusterValues[0]);
        for (ServiceInfo s : queues) {
            double[] serviceValues = values.computeIfAbsent("service:" + s.name(), k -> empty());
            for (int i = 0; i < RATES && ratesKnown; i++) { // a service no node counted: zero
                serviceValues[i] = plus(serviceValues[i], 0);
            }
            serviceValues[DEPTH] = s.depth();
            serviceValues[IN_FLIGHT] = s.inFlight();
            serviceValues[DEAD] = s.dead();
            clusterValues[DEPTH] += s.depth();
            clusterValues[DEAD] += s.dead();
        }
        for (TopicInfo t : topics) {
            if (t.shared()) {
                double[] topicValues = values.computeIfAbsent("service:" + t.name(), k -> empty());
                topicValues[DEPTH] = t.depth();
                topicValues[IN_FLIGHT] = t.inFlight();
                topicValues[DEAD] = t.dead();
            }
        }
        lastNodes = samples;
        add(now, clusterValues, values);
    }

    /**
     * A sample that could not be taken (the store out of reach): a gap in every chart, and the rates after it start
     * afresh.
     */
    synchronized void gap(long now) {
        lastNodes = Map.of();
        add(now, empty(), Map.of());
    }

    private void add(long now, double[] clusterValues, Map<String, double[]> values) {
        at[next] = now;
        cluster.set(next, clusterValues);
        write(nodes, "node:", values);
        write(services, "service:", values);
        next = (next + 1) % POINTS;
        count = Math.min(POINTS, count + 1);
    }

    /** The cluster's and each node's series: {@code at} (epoch milliseconds), {@code cluster}, {@code nodes}. */
    synchronized Map<String, Object> overview() {
        Map<String, Object> nodeSeries = new LinkedHashMap<>();
        nodes.forEach((name, s) -> nodeSeries.put(name, s.json()));
        Map<String, Object> result = head();
        result.put("cluster", cluster.json());
        result.put("nodes", nodeSeries);
        return result;
    }

    /** A service's or a shared topic's series: {@code at} and {@code series}, all null if it has none. */
    synchronized Map<String, Object> of(String name) {
        Map<String, Object> result = head();
        result.put("series", services.getOrDefault(name, new Series()).json());
        return result;
    }

    /** Whether a service or shared topic has a series. */
    synchronized boolean has(String name) {
        return services.containsKey(name);
    }

    /** Whether messages of a service became dead letters within the last milliseconds given. */
    synchronized boolean deadLettered(String service, long withinMs) {
        Series s = services.get(service);
        if (s == null) {
            return false;
        }
        for (int k = 0; k < count; k++) {
            int slot = (next - 1 - k + POINTS) % POINTS;
            if (at[slot] < at[(next - 1 + POINTS) % POINTS] - withinMs) {
                break;
            }
            if (s.values[RATES - 1][slot] > 0) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Object> head() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("everyMs", EVERY_MS);
        List<Long> times = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            times.add(at[(first() + k) % POINTS]);
        }
        result.put("at", times);
        return result;
    }

    private int first() {
        return (next - count + POINTS) % POINTS;
    }

    /** Writes this sample's slot of every series of a kind; a series without a figure in the window goes. */
    private void write(Map<String, Series> series, String prefix, Map<String, double[]> values) {
        Set<String> seen = new HashSet<>();
        values.forEach((key, v) -> {
            if (key.startsWith(prefix)) {
                String name = key.substring(prefix.length());
                seen.add(name);
                series.computeIfAbsent(name, k -> new Series()).set(next, v);
            }
        });
        series.entrySet().removeIf(e -> {
            if (seen.contains(e.getKey())) {
                return false;
            }
            e.getValue().set(next, empty());
            return e.getValue().isEmpty();
        });
    }

    private static double[] empty() {
        double[] v = new double[FIGURES.size()];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    private static double plus(double sum, double value) {
        return Double.isNaN(sum) ? value : sum + value;
    }

    /**
     * A node's figures as a sample found them: when the node took them (its own clock; the sampler's for an earlier
     * build, which does not say), when it started, its totals per service, and the rates per service they give.
     *
     * @param rates per service, published, delivered, failed and dead-lettered per second over the time between
     *              the node's two last figures; null when not known (the node seen for the first time)
     */
    private record NodeSample(long at, long startedAt, Map<String, long[]> totals, Map<String, double[]> rates) {

        static NodeSample of(NodeStats n, long now, NodeSample earlier) {
            long at = n.at() == null ? now : n.at().toEpochMilli();
            long startedAt = n.since().toEpochMilli();
            Map<String, long[]> totals = new HashMap<>();
            for (ServiceStats s : n.services()) {
                totals.put(s.service(), new long[] { s.published(), s.delivered(), s.failed(), s.dead() });
            }
            Map<String, double[]> rates;
            if (earlier != null && earlier.startedAt == startedAt) {
                rates = at == earlier.at ? earlier.rates // no newer figures: the last rates go on
                        : rates(totals, earlier.totals, at - earlier.at);
            } else if (earlier != null || at - startedAt <= EVERY_MS) {
                rates = rates(totals, Map.of(), at - startedAt); // started since the last sample: all of it is new
            } else {
                rates = null;
            }
            return new NodeSample(at, startedAt, totals, rates);
        }

        private static Map<String, double[]> rates(Map<String, long[]> totals, Map<String, long[]> earlier, long ms) {
            double seconds = Math.max(1, ms) / 1000.0;
            Map<String, double[]> rates = new HashMap<>();
            totals.forEach((service, t) -> {
                long[] before = earlier.getOrDefault(service, new long[RATES]);
                double[] r = new double[RATES];
                for (int i = 0; i < RATES; i++) {
                    r[i] = Math.max(0, t[i] - before[i]) / seconds;
                }
                rates.put(service, r);
            });
            return rates;
        }
    }

    /** One series: each figure's value in each slot, NaN where it has none. */
    private final class Series {

        final float[][] values = new float[FIGURES.size()][POINTS];

        Series() {
            for (float[] v : values) {
                Arrays.fill(v, Float.NaN);
            }
        }

        void set(int slot, double[] v) {
            for (int i = 0; i < v.length; i++) {
                values[i][slot] = (float) v[i];
            }
        }

        boolean isEmpty() {
            for (float[] figure : values) {
                for (float v : figure) {
                    if (!Float.isNaN(v)) {
                        return false;
                    }
                }
            }
            return true;
        }

        Map<String, List<Double>> json() {
            Map<String, List<Double>> result = new LinkedHashMap<>();
            for (int i = 0; i < FIGURES.size(); i++) {
                List<Double> points = new ArrayList<>(count);
                for (int k = 0; k < count; k++) {
                    float v = values[i][(first() + k) % POINTS];
                    points.add(Float.isNaN(v) ? null : Math.round((double) v * 1000) / 1000.0);
                }
                result.put(FIGURES.get(i), points);
            }
            return result;
        }
    }
}
