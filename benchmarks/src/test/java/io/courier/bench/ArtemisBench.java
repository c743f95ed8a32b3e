package io.courier.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * Baseline (b), a plain Java program that {@link ArtemisBaselineIT} starts in a JVM of its own: embedded
 * ActiveMQ Artemis with a persistent, synced journal (NIO, its buffer timeout tuned to the disk as
 * {@code artemis create} does), producers sending durable messages with blocking
 * sends (each send returns once the broker has the message on disk), and one consumer. Sends per second and
 * send latency; end to end: messages consumed per second and send-to-consume latency.
 */
public final class ArtemisBench {

    private static final String QUEUE = "bench";

    public static void main(String[] args) throws Exception {
        Path dir = Bench.dir().resolve("artemis-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        long bufferTimeout = syncNanos(dir);
        Bench.record("artemis.journalBufferTimeout", "ns", bufferTimeout);
        Configuration config = new ConfigurationImpl().setJournalBufferTimeout_NIO((int) bufferTimeout).setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalType(JournalType.NIO).setJournalSyncTransactional(true).setJournalSyncNonTransactional(true)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .addAcceptorConfiguration("in-vm", "vm://0");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.start();
        try (ServerLocator locator = ActiveMQClient.createServerLocator("vm://0").setBlockOnDurableSend(true);
                ClientSessionFactory factory = locator.createSessionFactory()) {
            try (ClientSession admin = factory.createSession()) {
                admin.createQueue(QueueConfiguration.of(QUEUE).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            }
            for (int producers : new int[] { 1, 8 }) {
                measure(factory, producers);
            }
        } finally {
            broker.stop();
        }
    }

    /**
     * What {@code artemis create} does to tune a broker to its disk: time a 4 KiB write + sync and use it as the
     * journal buffer timeout (Artemis's NIO default of 3.3 ms would make a strawman of a single producer).
     */
    private static long syncNanos(Path dir) throws IOException {
        Path file = dir.resolve("sync-test");
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long start = 0;
            int syncs = 1000;
            for (int i = -200; i < syncs; i++) {
                if (i == 0) {
                    start = System.nanoTime();
                }
                block.clear();
                ch.write(block, (long) (i + 200) * 4096);
                ch.force(false);
            }
            return (System.nanoTime() - start) / syncs;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void measure(ClientSessionFactory factory, int producers) throws Exception {
        Latencies sendLatency = new Latencies(4_000_000);
        Latencies e2eLatency = new Latencies(4_000_000);
        AtomicLong consumed = new AtomicLong();
        AtomicLong lastConsumedAt = new AtomicLong();
        ClientSession consumerSession = factory.createSession(false, true, true);
        ClientConsumer consumer = consumerSession.createConsumer(QUEUE);
        consumer.setMessageHandler(m -> {
            long now = System.nanoTime();
            e2eLatency.add(now - m.getLongProperty("t"));
            try {
                m.acknowledge();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            lastConsumedAt.set(now);
            consumed.incrementAndGet();
        });
        consumerSession.start();
        ClientSession[] sessions = new ClientSession[producers];
        ClientProducer[] senders = new ClientProducer[producers];
        for (int i = 0; i < producers; i++) {
            sessions[i] = factory.createSession(false, true, true);
            senders[i] = sessions[i].createProducer(QUEUE);
        }
        AtomicLong sent = new AtomicLong();
        Load.Op send = t -> {
            long now = System.nanoTime();
            ClientMessage m = sessions[t].createMessage(true);
            m.putLongProperty("t", now);
            m.getBodyBuffer().writeBytes(Bench.payload(now).getBytes(StandardCharsets.UTF_8));
            senders[t].send(m);
            sent.incrementAndGet();
        };
        String v = ".p" + producers;
        double[] sends = new double[Bench.ROUNDS];
        double[] e2e = new double[Bench.ROUNDS];
        double[][] lat = new double[4][Bench.ROUNDS];
        for (int r = -1; r < Bench.ROUNDS; r++) { // round -1 warms up
            sendLatency.clear();
            e2eLatency.clear();
            long start = System.nanoTime();
            double rate = Load.flatOut(producers, Bench.ROUND_MS, sendLatency, send);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumed.get() < sent.get() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long roundSent = sent.getAndSet(0);
            consumed.set(0);
            if (r >= 0) {
                sends[r] = rate;
                e2e[r] = roundSent / ((lastConsumedAt.get() - start) / 1e9);
                lat[0][r] = sendLatency.percentileMs(50);
                lat[1][r] = sendLatency.percentileMs(99);
                lat[2][r] = e2eLatency.percentileMs(50);
                lat[3][r] = e2eLatency.percentileMs(99);
            }
        }
        Bench.record("artemis.send" + v, "msgs/s", sends);
        Bench.record("artemis.send" + v + ".lat50", "ms", lat[0]);
        Bench.record("artemis.send" + v + ".lat99", "ms", lat[1]);
        Bench.record("artemis.e2e" + v, "msgs/s", e2e);
        Bench.record("artemis.e2e" + v + ".lat50", "ms", lat[2]);
        Bench.record("artemis.e2e" + v + ".lat99", "ms", lat[3]);
        for (ClientSession s : sessions) {
            s.close();
        }
        consumerSession.close();
    }
}
