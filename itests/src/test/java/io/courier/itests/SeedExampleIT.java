package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The seed article's example, as shipped: my.source publishes to my.target, which logs the message. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SeedExampleIT extends CourierTestSupport {

    private static final String LINE = "My message is {abc=Hello World}";

    @Test
    public void invokingMySourceDeliversItsMessageToMyTargetWhichLogsIt() throws IOException {
        Path log = Paths.get(System.getProperty("karaf.log"), "karaf.log");
        awaitServices("my.source", "my.target");
        long before = count(log);

        Object response = courier.invoke("my.source", null);

        String msgId = (String) ((Map<?, ?>) response).get("msgId");
        assertTrue("my.source returns the id of the message it published", msgId != null && !msgId.isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> count(log) == before + 1);
        assertEquals(msgId, topic("my.target").orElseThrow().lastMsgId().orElseThrow());
        assertEquals("the message is gone from the queue once delivered", 0, topic("my.target").orElseThrow().depth());
    }

    private static long count(Path log) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(LINE)).count();
    }
}
