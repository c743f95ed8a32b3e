package io.courier.bench;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.extra.VMOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import io.courier.api.Courier;
import io.courier.api.FanOutOptions;
import io.courier.api.PubSub;
import io.courier.api.RejectedInvocationException;
import io.courier.api.Service;
import io.courier.pubsub.PubSubAdmin;
import io.courier.testing.CourierDistribution;

/**
 * Courier's scenarios, inside the built distribution (Pax Exam, one Karaf for all of them, in the order of
 * the list): invoke overhead, durable publish and end to end at saturation, latency at 10/50/90% of
 * the saturation rate, cost growth with the number of services and with the backlog, and a restart with a
 * backlog. The store is the distribution's default, the embedded HSQLDB; {@link CourierPostgresBenchIT} runs the
 * durable scenarios on PostgreSQL, with figures named as here after {@code pg.}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CourierBenchIT {

    private static final String SINK = "bench.sink";
    private static final String BACKLOG = "bench.backlog";
    private static final long DRAIN_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);

    @Inject
    private BundleContext bundleContext;

    @Inject
    private PubSub pubsub;

    @Inject
    private Courier courier;

    private final Sink sink = new Sink();

    /** Put before every figure's name and the flight recording's file name: empty here, "pg." on PostgreSQL. */
    private final String prefix;

    public CourierBenchIT() {
        this("");
    }

    CourierBenchIT(String prefix) {
        this.prefix = prefix;
    }

    @Configuration
    public Option[] config() {
        return new Option[] {
                CourierDistribution.options(),
                when(Boolean.getBoolean("bench.jfr")).useOptions(new VMOption("-XX:StartFlightRecording=settings=profile,"
                        + "filename=" + Bench.dir().resolve(prefix + "courier.jfr").toAbsolutePath())),
                logLevel(LogLevel.WARN),
                systemTimeout(TimeUnit.MINUTES.toMillis(10)),
                editConfigurationFilePut("etc/system.properties", "bench.dir",
                        new File(System.getProperty("bench.dir")).getAbsolutePath()),
                editConfigurationFilePut("etc/system.properties", "bench.quick", System.getProperty("bench.quick")),
                editConfigurationFilePut("etc/system.properties", "bench.scenarios",
                        System.getProperty("bench.scenarios", "")),
                // bin/karaf's default heap: a backlog must fit in it
                new VMOption("-Xmx512m"),
        };
    }

    @Test
    public void scenarios() throws Exception {
        run("invocations", this::invocations);
        run("warmUp", this::warmUp);
        run("durable", this::durable);
        run("servicesGrowth", this::servicesGrowth);
        run("backlog", this::backlog);
    }

    /** A scenario of this run, unless {@code bench.scenarios} leaves it out. */
    interface Scenario {
        void run() throws Exception;
    }

    static void run(String name, Scenario scenario) throws Exception {
        if (Bench.selected(name)) {
            Bench.settleDisk(name);
            scenario.run();
        }
    }

    /** The figure's full name: {@code courier.<name>}, after the prefix. */
    String figure(String name) {
        return prefix + "courier." + name;
    }

    /**
     * 8 publishers flat out for {@link Bench#WARM_UP_MS}, not recorded: the durable path compiled by the JIT before
     * it is measured. Without it, the first durable figures measured the compiler (on PostgreSQL, the same scenario
     * run twice in one Karaf: 1 publisher end to end 250-390 msgs/s the first time, 670-930 the second).
     */
    void warmUp() throws Exception {
        registerSink();
        sink.reset();
        AtomicLong sent = new AtomicLong();
        Load.flatOut(8, Bench.WARM_UP_MS, null, t -> {
            pubsub.publish(SINK, Bench.data(System.nanoTime()));
            sent.incrementAndGet();
        });
        assertTrue("all delivered", sink.await(sent.get(), DRAIN_TIMEOUT_MS));
    }

    /** Durable publish and end to end at saturation (1 and 8 publishers), batch of 100, latency under load. */
    void durable() throws Exception {
        registerSink();
        double saturation = publishAndEndToEnd();
        batchPublish();
        latencyUnderLoad(saturation);
    }

    // ---- 4. invoke, invokeAsync, fan-out ------------------------------------------------------------

    private static volatile Object blackhole;

    private void invocations() throws Exception {
        Service echo = (request, ctx) -> "ok";
        register("bench.echo", echo);
        Map<String, Object> targets = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            register("bench.fan" + i, echo);
            targets.put("bench.fan" + i, "x");
        }
        int calls = Bench.QUICK ? 2_000_000 : 5_000_000;
        double[] direct = new double[Bench.ROUNDS];
        double[] invoke = new double[Bench.ROUNDS];
        double[] overhead = new double[Bench.ROUNDS];
        for (int r = -1; r < Bench.ROUNDS; r++) {
            long t0 = System.nanoTime();
            Object last = null;
            for (int i = 0; i < calls; i++) {
                last = echo.handle(null, null);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                last = courier.invoke("bench.echo", "x");
            }
            long t2 = System.nanoTime();
            blackhole = last;
            if (r >= 0) {
                direct[r] = (t1 - t0) / (double) calls;
                invoke[r] = (t2 - t1) / (double) calls;
                overhead[r] = invoke[r] - direct[r];
            }
        }
        Bench.record(figure("invoke.direct"), "ns/call", direct);
        Bench.record(figure("invoke.call"), "ns/call", invoke);
        Bench.record(figure("invoke.overhead"), "ns/call", overhead);

        double[] async = new double[Bench.ROUNDS];
        for (int r = -1; r < Bench.ROUNDS; r++) {
            AtomicLong done = new AtomicLong();
            long sent = 0;
            long start = System.nanoTime();
            long end = start + Bench.ROUND_MS * 1_000_000;
            while (System.nanoTime() < end) {
                try {
                    courier.invokeAsync("bench.echo", "x").response().whenComplete((v, e) -> done.incrementAndGet());
                    sent++;
                } catch (RejectedInvocationException full) {
                    LockSupport.parkNanos(50_000);
                }
            }
            while (done.get() < sent) {
                LockSupport.parkNanos(50_000);
            }
            if (r >= 0) {
                async[r] = sent / ((System.nanoTime() - start) / 1e9);
            }
        }
        Bench.record(figure("invokeAsync"), "calls/s", async);

        FanOutOptions fanOutOptions = FanOutOptions.builder().build();
        double[] fanOut = new double[Bench.ROUNDS];
        Latencies fanOutLatency = new Latencies(2_000_000);
        double[] fanOut50 = new double[Bench.ROUNDS];
        for (int r = -1; r < Bench.ROUNDS; r++) {
            fanOutLatency.clear();
            double rate = Load.flatOut(1, Bench.ROUND_MS, fanOutLatency,
                    t -> courier.patterns().fanOut(targets, fanOutOptions).completion().toCompletableFuture().join());
            if (r >= 0) {
                fanOut[r] = rate;
                fanOut50[r] = fanOutLatency.percentileMs(50);
            }
        }
        Bench.record(figure("fanOut10"), "fan-outs/s", fanOut);
        Bench.record(figure("fanOut10.lat50"), "ms", fanOut50);
    }

    // ---- 1 and 2. durable publish, end to end at saturation -------------------------------------------

    /** Returns the 8-publisher end-to-end rate (median), the saturation rate for the latency scenario. */
    private double publishAndEndToEnd() throws Exception {
        double saturation = 0;
        for (int publishers : new int[] { 1, 8 }) {
            double[] publish = new double[Bench.ROUNDS];
            double[] e2e = new double[Bench.ROUNDS];
            double[][] lat = new double[4][Bench.ROUNDS];
            double[][] cpu = new double[2][Bench.ROUNDS];
            boolean countsPostgres = false;
            Latencies publishLatency = new Latencies(4_000_000);
            for (int r = -1; r < Bench.ROUNDS; r++) {
                publishLatency.clear();
                sink.reset();
                AtomicLong sent = new AtomicLong();
                CpuTime spent = CpuTime.start();
                countsPostgres = spent.countsPostgres();
                long start = System.nanoTime();
                double rate = Load.flatOut(publishers, Bench.ROUND_MS, publishLatency, t -> {
                    pubsub.publish(SINK, Bench.data(System.nanoTime()));
                    sent.incrementAndGet();
                });
                assertTrue("all delivered", sink.await(sent.get(), DRAIN_TIMEOUT_MS));
                if (r >= 0) {
                    publish[r] = rate;
                    e2e[r] = sent.get() / ((sink.lastHandledAt.get() - start) / 1e9);
                    lat[0][r] = publishLatency.percentileMs(50);
                    lat[1][r] = publishLatency.percentileMs(99);
                    lat[2][r] = sink.latencies.percentileMs(50);
                    lat[3][r] = sink.latencies.percentileMs(99);
                    cpu[0][r] = spent.jvmSince() / (double) sent.get();
                    cpu[1][r] = spent.pgSince() / (double) sent.get();
                }
            }
            String v = ".p" + publishers;
            Bench.record(figure("publish" + v), "msgs/s", publish);
            Bench.record(figure("publish" + v + ".lat50"), "ms", lat[0]);
            Bench.record(figure("publish" + v + ".lat99"), "ms", lat[1]);
            Bench.record(figure("e2e" + v), "msgs/s", e2e);
            Bench.record(figure("e2e" + v + ".lat50"), "ms", lat[2]);
            Bench.record(figure("e2e" + v + ".lat99"), "ms", lat[3]);
            Bench.record(figure("e2e" + v + ".cpu.jvm"), "µs/msg", cpu[0]);
            if (countsPostgres) {
                Bench.record(figure("e2e" + v + ".cpu.pg"), "µs/msg", cpu[1]);
            }
            saturation = median(e2e);
        }
        return saturation;
    }

    /** publishAll of 100 messages (one commit) from one publisher; messages per second, until delivered. */
    private void batchPublish() throws Exception {
        double[] rates = new double[Bench.ROUNDS];
        for (int r = -1; r < Bench.ROUNDS; r++) {
            sink.reset();
            AtomicLong sent = new AtomicLong();
            double calls = Load.flatOut(1, Bench.ROUND_MS, null, t -> {
                pubsub.publishAll(SINK, batch(100));
                sent.addAndGet(100);
            });
            assertTrue("all delivered", sink.await(sent.get(), DRAIN_TIMEOUT_MS));
            if (r >= 0) {
                rates[r] = calls * 100;
            }
        }
        Bench.record(figure("publishBatch100.p1"), "msgs/s", rates);
    }

    private static List<Object> batch(int size) {
        List<Object> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(Bench.data(System.nanoTime()));
        }
        return batch;
    }

    // ---- 2. publish-to-handle latency at 10, 50 and 90% of saturation ---------------------------------

    private void latencyUnderLoad(double saturation) throws Exception {
        for (int percent : new int[] { 10, 50, 90 }) {
            sink.reset();
            AtomicLong sent = new AtomicLong();
            double rate = Load.paced(8, saturation * percent / 100, Bench.SUSTAIN_MS, null, t -> {
                pubsub.publish(SINK, Bench.data(System.nanoTime()));
                sent.incrementAndGet();
            });
            assertTrue("all delivered", sink.await(sent.get(), DRAIN_TIMEOUT_MS));
            String k = figure("load" + percent);
            Bench.record(k + ".rate", "msgs/s", rate);
            Bench.record(k + ".lat50", "ms", sink.latencies.percentileMs(50));
            Bench.record(k + ".lat99", "ms", sink.latencies.percentileMs(99));
            Bench.record(k + ".latMax", "ms", sink.latencies.percentileMs(100));
        }
    }

    // ---- 6. cost growth: services ---------------------------------------------------------------------

    private void servicesGrowth() throws Exception {
        List<ServiceRegistration<Service>> regs = new ArrayList<>();
        for (int services : new int[] { 10, 100, 1000 }) {
            while (regs.size() < services) {
                regs.add(register("bench.s" + regs.size(), sink));
            }
            String[] names = new String[services];
            Arrays.setAll(names, i -> "bench.s" + i);
            AtomicLong next = new AtomicLong();
            Bench.record(figure("services" + services), "msgs/s", endToEndRounds(8, () -> names[(int) (next
                    .getAndIncrement() % names.length)]));
        }
        regs.forEach(ServiceRegistration::unregister);
    }

    /**
     * A sustained run through one subscription: 8 publishers flat out until {@link Bench#SUSTAINED} messages are
     * published, each delivered to the sink (registered by {@link #durable()}); the delivery rate over the first and
     * over the last minute of publishing (in quick mode, its first and last fifth), not of the drain after it.
     * Dead rows and vacuum must not wear the rate down.
     */
    void sustained() throws Exception {
        registerSink();
        sink.reset();
        long total = Bench.SUSTAINED;
        AtomicLong claimed = new AtomicLong();
        List<long[]> samples = new ArrayList<>(); // {nanoTime, handled}, every 100 ms
        long start = System.nanoTime();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (samples) {
                    samples.add(new long[] { System.nanoTime(), sink.handled.get() });
                }
                LockSupport.parkNanos(100_000_000);
            }
        }, "sustained-sampler");
        sampler.start();
        List<Thread> publishers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                while (claimed.getAndIncrement() < total) {
                    pubsub.publish(SINK, Bench.data(System.nanoTime()));
                }
            }, "sustained-publisher-" + i);
            t.start();
            publishers.add(t);
        }
        for (Thread t : publishers) {
            t.join();
        }
        long published = System.nanoTime(); // the last publish returned: what is delivered after is a drain
        assertTrue("all delivered", sink.await(total, DRAIN_TIMEOUT_MS));
        sampler.interrupt();
        sampler.join();
        long window = Bench.QUICK ? (published - start) / 5 : TimeUnit.MINUTES.toNanos(1);
        Bench.record(figure("sustained.first"), "msgs/s", rate(samples, start, start + window));
        Bench.record(figure("sustained.last"), "msgs/s", rate(samples, published - window, published));
        Bench.record(figure("sustained.total"), "msgs", total);
    }

    /** Messages handled per second between two times, from the samples nearest them. */
    private static double rate(List<long[]> samples, long from, long to) {
        long[] a = nearest(samples, from);
        long[] b = nearest(samples, to);
        return (b[1] - a[1]) / ((b[0] - a[0]) / 1e9);
    }

    private static long[] nearest(List<long[]> samples, long time) {
        long[] best = samples.get(0);
        for (long[] s : samples) {
            if (Math.abs(s[0] - time) < Math.abs(best[0] - time)) {
                best = s;
            }
        }
        return best;
    }

    /** Rounds of flat-out publishing to the sink (or to {@code target}'s names) until delivered; msgs/s each. */
    private double[] endToEndRounds(int publishers, java.util.function.Supplier<String> target) throws Exception {
        double[] e2e = new double[Bench.ROUNDS];
        for (int r = -1; r < Bench.ROUNDS; r++) {
            sink.reset();
            AtomicLong sent = new AtomicLong();
            long start = System.nanoTime();
            Load.flatOut(publishers, Bench.ROUND_MS, null, t -> {
                pubsub.publish(target.get(), Bench.data(System.nanoTime()));
                sent.incrementAndGet();
            });
            assertTrue("all delivered", sink.await(sent.get(), DRAIN_TIMEOUT_MS));
            if (r >= 0) {
                e2e[r] = sent.get() / ((sink.lastHandledAt.get() - start) / 1e9);
            }
        }
        return e2e;
    }

    // ---- 5 and 6. backlog: cost growth, restart, drain, heap -------------------------------------------

    void backlog() throws Exception {
        registerSink(); // the other service, measured end to end beside the backlog
        Sink waiting = new Sink();
        // known to Courier, then stopped: its messages wait on disk
        unregister(register(BACKLOG, waiting));
        long stored = 0;
        for (int level : new int[] { 10_000, 100_000, 1_000_000 }) {
            if (level > Bench.BACKLOG) {
                break;
            }
            long t0 = System.nanoTime();
            fill(level - stored);
            Bench.record(figure("backlogFill" + label(level)), "msgs/s", (level - stored) / ((System.nanoTime() - t0) / 1e9));
            stored = level;
            Bench.record(figure("backlog" + label(level)), "msgs/s", endToEndRounds(8, () -> SINK));
            Bench.record(figure("heap.backlog" + label(level)), "MB", heapUsedMb());
            Bench.record(figure("topics.backlog" + label(level)), "ms", topicsViewMs(5));
        }
        // the dashboard with the backlog stored and every service of the services scenario known
        WebPages web = new WebPages();
        String level = label((int) stored);
        int known = withAdmin(admin -> admin.services().size());
        Bench.record(figure("web.knownServices"), "services", known);
        Bench.record(figure("web.overview.backlog" + level), "ms", web.overviewMs(5));
        Bench.record(figure("web.services.backlog" + level), "ms", web.servicesMs(5));
        Bench.record(figure("web.service.backlog" + level), "ms", web.serviceMs(5, BACKLOG));

        // restart Courier's bundles with the backlog stored, the service registered again meanwhile
        Bundle core = bundle("courier-core");
        Bundle pubsubBundle = bundle("courier-pubsub");
        pubsubBundle.stop();
        core.stop();
        register(BACKLOG, waiting);
        long t0 = System.nanoTime();
        core.start();
        pubsubBundle.start();
        assertTrue("first delivery after restart", waiting.await(1, TimeUnit.MINUTES.toMillis(2)));
        Bench.record(figure("restart.firstDelivery"), "s", (waiting.firstHandledAt.get() - t0) / 1e9);
        Bench.record(figure("topics.firstAfterRestart"), "ms", topicsViewMs(1)); // counts what is stored, once
        double[] drain = new double[Bench.ROUNDS];
        double[] heap = new double[Bench.ROUNDS];
        int rounds = 0;
        while (rounds < Bench.ROUNDS) {
            long before = waiting.handled.get();
            long start = System.nanoTime();
            Thread.sleep(Bench.ROUND_MS);
            long after = waiting.handled.get();
            if (after >= stored) {
                break; // the backlog ran out during the round: not a drain rate
            }
            drain[rounds] = (after - before) / ((System.nanoTime() - start) / 1e9);
            heap[rounds++] = heapUsedMb();
        }
        assertTrue("the backlog lasted at least one round of draining", rounds > 0);
        Bench.record(figure("restart.drain"), "msgs/s", Arrays.copyOf(drain, rounds));
        Bench.record(figure("heap.drain"), "MB", Arrays.copyOf(heap, rounds));
    }

    /** Publishes {@code count} messages to the stopped service from 8 publishers, 100 per call. */
    private void fill(long count) throws Exception {
        AtomicLong left = new AtomicLong(count);
        List<Thread> threads = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                try {
                    while (left.addAndGet(-100) > -100) {
                        pubsub.publishAll(BACKLOG, batch(100));
                    }
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        if (failure[0] != null) {
            throw new AssertionError("filling the backlog failed", failure[0]);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** The median time of {@code calls} calls of the topics view (every topic's depth), in ms. */
    private double topicsViewMs(int calls) {
        return withAdmin(admin -> {
            double[] ms = new double[calls];
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                admin.topics();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return median(ms);
        });
    }

    private <T> T withAdmin(Function<PubSubAdmin, T> call) {
        // looked up each time: restarting pub/sub registers a new admin service
        ServiceReference<PubSubAdmin> ref = bundleContext.getServiceReference(PubSubAdmin.class);
        PubSubAdmin admin = bundleContext.getService(ref);
        try {
            return call.apply(admin);
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    private static String label(int n) {
        return n >= 1_000_000 ? n / 1_000_000 + "M" : n / 1000 + "k";
    }

    private static double heapUsedMb() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.gc();
        return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    private ServiceRegistration<Service> sinkRegistration;

    /** Registers the sink the durable scenarios publish to, once. */
    private void registerSink() {
        if (sinkRegistration == null) {
            sinkRegistration = register(SINK, sink);
        }
    }

    private ServiceRegistration<Service> register(String name, Service service) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Service.NAME, name);
        return bundleContext.registerService(Service.class, service, props);
    }

    private static void unregister(ServiceRegistration<Service> reg) {
        reg.unregister();
    }
}
