package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.ServiceRegistration;

import io.courier.api.PublishException;
import io.courier.api.Service;

/**
 * The database out of reach: every connection of Courier's pool is taken. Publishing fails with a clear error
 * after the pool's wait; delivery pauses, says so once, and resumes by itself when connections are back;
 * nothing committed is lost.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DatabaseFaultIT extends CourierTestSupport {

    @Inject
    @Filter("(&(objectClass=javax.sql.DataSource)(osgi.jndi.service.name=courier))")
    private DataSource dataSource;

    @Test
    public void anExhaustedPoolFailsPublishesClearlyAndDeliveryResumesByItself() throws Exception {
        ServiceRegistration<Service> first = register("it.db", new Recorder());
        unregister(first);
        List<String> committed = List.of(pubsub.publish("it.db", Recorder.data(1)), pubsub.publish("it.db",
                Recorder.data(2)), pubsub.publish("it.db", Recorder.data(3)));

        List<Connection> taken = takeEveryConnection();
        Recorder back = new Recorder();
        try {
            long start = System.nanoTime();
            PublishException e = assertThrows(PublishException.class, () -> pubsub.publish("it.db", "refused"));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage(), e.getMessage().contains("could not be stored, nothing was published"));
            assertTrue("failed after " + tookMs + " ms", tookMs < 15_000);

            register("it.db", back); // delivery wants the store now: it fails, waits, tries again, several times
            await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(30)).until(() -> back.received.isEmpty());
        } finally {
            for (Connection c : taken) {
                c.close();
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> back.received.size() == 3);
        // the acknowledgement follows the handling: wait for the queue to be empty, then nothing else came
        await().atMost(Duration.ofSeconds(10)).until(() -> topic("it.db").orElseThrow().depth() == 0);
        assertEquals("the refused message was not stored", committed, back.ids());

        Path log = Paths.get(System.getProperty("karaf.log"), "karaf.log");
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals("the pause is said once", 1, lines.stream()
                .filter(l -> l.contains("Delivery to 'it.db'") && l.contains("paused")).count());
        assertEquals(1, lines.stream().filter(l -> l.contains("Delivery to 'it.db'") && l.contains("resumed")).count());
    }

    /** Takes every connection the pool will give, waiting up to the pool's wait for the last ones. */
    private List<Connection> takeEveryConnection() {
        List<Connection> taken = new ArrayList<>();
        while (true) {
            try {
                taken.add(dataSource.getConnection());
            } catch (SQLException exhausted) {
                assertTrue("the pool gave " + taken.size(), taken.size() >= 8);
                return taken;
            }
        }
    }

    static Map<String, Object> data(int i) {
        return Recorder.data(i);
    }
}
