package io.courier.bench;

import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.hsqldb.jdbc.JDBCPool;
import org.junit.Test;

import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.Dialect;
import io.courier.pubsub.internal.store.Schema;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;

/**
 * The delivery sweep's store work, with a growing backlog: Courier's own store (the persistence unit as shipped,
 * on an HSQLDB file database with Courier's settings) in the harness's JVM. One subscription holds the backlog,
 * 99 others one message each; a sweep asks which of the 100 have a newest message due. Its cost must follow
 * the number of subscriptions, not the backlog: microseconds per sweep of the 100, with 10k, 100k (and 1M in full
 * mode) stored.
 */
public class SweepBenchIT {

    private static final int SUBSCRIPTIONS = 100;

    @Test
    public void sweepCostWithTheBacklog() throws Exception {
        Path db = Bench.dir().resolve("sweep-" + System.currentTimeMillis()).resolve("courier");
        // no JNDI outside OSGi: a pool of HSQLDB's own, as Karaf's datasource pools its connections (OpenJPA's
        // DBCP would meet the commons-pool of Artemis's dependencies on this classpath)
        JDBCPool pool = new JDBCPool(4);
        pool.setUrl("jdbc:hsqldb:file:" + db.toAbsolutePath() + ";hsqldb.tx=mvcc");
        pool.setUser("SA");
        pool.setPassword("");
        Map<String, Object> props = new HashMap<>();
        props.put("javax.persistence.nonJtaDataSource", "");
        props.put("openjpa.ConnectionFactory", pool);
        Dialect dialect = Dialect.of(pool.getUrl()).orElseThrow();
        props.put("openjpa.jdbc.DBDictionary", dialect.openJpaDictionary());
        try (Connection c = pool.getConnection()) {
            Schema.migrate(c, dialect);
        }
        EntityManagerFactory emf = Persistence.createEntityManagerFactory("courier", props);
        try (Store store = new Store(emf, dialect)) {
            store.prepare();
            List<SubscriptionRow> subs = new ArrayList<>();
            for (int i = 0; i < SUBSCRIPTIONS; i++) {
                subs.add(store.ensureSubscriptions("sweep." + i, List.of("sweep." + i), 1).get(0));
            }
            List<Long> ids = subs.stream().map(SubscriptionRow::id).toList();
            for (SubscriptionRow s : subs.subList(1, SUBSCRIPTIONS)) {
                fill(store, s, 1);
            }
            long stored = 0;
            for (int level : new int[] { 10_000, 100_000, 1_000_000 }) {
                if (level > Bench.BACKLOG) {
                    break;
                }
                fill(store, subs.get(0), level - stored);
                stored = level;
                assertEquals("subscriptions with a due delivery", SUBSCRIPTIONS,
                        store.withNewestDue(ids, System.currentTimeMillis()).size());
                Bench.record("courier.sweep.backlog" + (level >= 1_000_000 ? level / 1_000_000 + "M" : level / 1000 + "k"),
                        "µs/sweep", sweeps(store, ids));
            }
        } finally {
            emf.close();
            pool.close(0);
        }
    }

    /** Rounds of 100 sweeps after a warm-up round: the median sweep's time of each round, in microseconds. */
    private static double[] sweeps(Store store, List<Long> ids) {
        double[] rounds = new double[Bench.ROUNDS];
        for (int r = -1; r < Bench.ROUNDS; r++) {
            double[] micros = new double[100];
            for (int i = 0; i < micros.length; i++) {
                long t0 = System.nanoTime();
                store.withNewestDue(ids, System.currentTimeMillis());
                micros[i] = (System.nanoTime() - t0) / 1e3;
            }
            java.util.Arrays.sort(micros);
            if (r >= 0) {
                rounds[r] = micros[micros.length / 2];
            }
        }
        return rounds;
    }

    /** Stores {@code count} messages for one subscription, 1,000 per commit. */
    private static void fill(Store store, SubscriptionRow sub, long count) {
        long now = System.currentTimeMillis();
        for (long done = 0; done < count;) {
            List<NewMessage> batch = new ArrayList<>();
            for (int i = 0; i < 1000 && done < count; i++, done++) {
                batch.add(new NewMessage(io.courier.core.Ids.timeOrdered(), false, sub.topicId(), List.of(sub.id()),
                        Bench.payload(done), "application/json", 5, "c", null, null, null, now, 0));
            }
            store.write(batch, List.of());
        }
    }
}
