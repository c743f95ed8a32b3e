package io.courier.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.courier.api.MessageTooLargeException;
import io.courier.api.PublishException;
import io.courier.api.PublishOptions;
import io.courier.api.UnknownTopicException;

/** Every rejected publish says why and stores nothing. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PublishRejectionIT extends CourierTestSupport {

    private static final String TARGET = "it.reject.target";

    private long storedBefore;
    private Optional<String> lastBefore;

    @Before
    public void knownServiceThatIsAway() {
        unregister(register(TARGET, new Recorder()));
        storedBefore = storedDeliveries();
        lastBefore = topic(TARGET).orElseThrow().lastMsgId();
    }

    @Test
    public void anUnknownServiceIsNamedInTheError() {
        UnknownTopicException e = assertThrows(UnknownTopicException.class,
                () -> pubsub.publish("it.never.registered", Map.of("a", 1)));
        assertTrue(e.getMessage(), e.getMessage().contains("'it.never.registered'"));
        assertNothingStored();
    }

    @Test
    public void aSharedTopicWithoutSubscriberIsRefused() {
        PublishException e = assertThrows(UnknownTopicException.class, () -> pubsub.publish("/it/nobody", "x"));
        assertTrue(e.getMessage(), e.getMessage().contains("'/it/nobody'"));
        assertNothingStored();
    }

    @Test
    public void anInvalidNameIsRefused() {
        PublishException e = assertThrows(PublishException.class, () -> pubsub.publish("no spaces!", "x"));
        assertTrue(e.getMessage(), e.getMessage().contains("neither a service name"));
        assertNothingStored();
    }

    @Test
    public void dataThatIsNotJsonIsRefused() {
        PublishException e = assertThrows(PublishException.class, () -> pubsub.publish(TARGET, new Object()));
        assertTrue(e.getMessage(), e.getMessage().contains("cannot be written as JSON"));
        assertNothingStored();
    }

    @Test
    public void dataOverTheSizeLimitIsRefused() {
        String big = "x".repeat(1024 * 1024 + 1);
        MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> pubsub.publish(TARGET, big));
        assertTrue(e.getMessage(), e.getMessage().contains("over the limit of 1048576"));
        assertEquals(1048576, e.limit());
        assertNothingStored();
    }

    @Test
    public void aMessageIdInUseIsRefused() {
        String id = "it-fixed-id-" + System.nanoTime();
        PublishOptions options = PublishOptions.builder().msgId(id).build();
        assertEquals(id, pubsub.publish(TARGET, "first", options));
        long stored = storedDeliveries();

        PublishException e = assertThrows(PublishException.class, () -> pubsub.publish(TARGET, "second", options));
        assertTrue(e.getMessage(), e.getMessage().contains("already in use"));
        assertEquals(stored, storedDeliveries());
        assertEquals(id, admin.browse(TARGET, false, 0, 100).stream().filter(m -> m.msgId().equals(id)).findFirst()
                .orElseThrow().msgId());
        assertEquals("\"first\"", admin.browse(TARGET, false, 0, 100).stream().filter(m -> m.msgId().equals(id))
                .findFirst().orElseThrow().dataPreview());
    }

    @Test
    public void aBadOptionIsRefusedBeforeAnythingIsSent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublishOptions.builder().priority(10));
        assertTrue(e.getMessage(), e.getMessage().contains("between 1 and 9"));
        assertThrows(PublishException.class, () -> pubsub.publish(TARGET, "x", null));
        assertNothingStored();
    }

    private void assertNothingStored() {
        assertEquals(storedBefore, storedDeliveries());
        assertEquals(lastBefore, topic(TARGET).orElseThrow().lastMsgId());
    }
}
