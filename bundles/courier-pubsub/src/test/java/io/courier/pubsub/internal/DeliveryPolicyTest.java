package io.courier.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {

    /** The shipped defaults (PubSubConfig, io.courier.pubsub.cfg): 10 attempts, 1 s doubling up to 5 min. */
    private static final DeliveryPolicy DEFAULTS = new DeliveryPolicy(10, 1_000, 300_000, 2.0, false, 60_000);

    @Test
    void backoffDoublesFromOneSecond() {
        assertEquals(1_000, DEFAULTS.backoffMs(1));
        assertEquals(2_000, DEFAULTS.backoffMs(2));
        assertEquals(4_000, DEFAULTS.backoffMs(3));
        assertEquals(8_000, DEFAULTS.backoffMs(4));
        assertEquals(256_000, DEFAULTS.backoffMs(9));
    }

    @Test
    void backoffIsCappedAtTheMaximum() {
        assertEquals(300_000, DEFAULTS.backoffMs(10)); // 512 s uncapped
        assertEquals(300_000, DEFAULTS.backoffMs(11));
        assertEquals(300_000, DEFAULTS.backoffMs(100));
        assertEquals(300_000, DEFAULTS.backoffMs(Integer.MAX_VALUE)); // 2^huge is infinite, still capped

        DeliveryPolicy lowCap = new DeliveryPolicy(10, 1_000, 5_000, 2.0, false, 60_000);
        assertEquals(4_000, lowCap.backoffMs(3));
        assertEquals(5_000, lowCap.backoffMs(4));
        assertEquals(5_000, lowCap.backoffMs(5));
    }

    @Test
    void multiplierOneGivesAConstantWait() {
        DeliveryPolicy constant = new DeliveryPolicy(5, 750, 300_000, 1.0, false, 60_000);
        for (int attempt = 1; attempt <= 50; attempt++) {
            assertEquals(750, constant.backoffMs(attempt), "attempt " + attempt);
        }
    }

    @Test
    void fractionalMultiplierGrowsGeometrically() {
        DeliveryPolicy p = new DeliveryPolicy(5, 1_000, 300_000, 1.5, false, 60_000);
        assertEquals(1_000, p.backoffMs(1));
        assertEquals(1_500, p.backoffMs(2));
        assertEquals(2_250, p.backoffMs(3));
    }

    @Test
    void zeroInitialWaitRetriesAtOnce() {
        DeliveryPolicy p = new DeliveryPolicy(5, 0, 300_000, 2.0, false, 60_000);
        assertEquals(0, p.backoffMs(1));
        assertEquals(0, p.backoffMs(7));
    }

    @Test
    void theDefaultsSpanAbout8Point5MinutesBeforeADeadLetter() {
        // As documented on PubSubConfig: 9 waits between 10 attempts, 1+2+...+256 s = 511 s.
        long total = 0;
        for (int failed = 1; !DEFAULTS.exhausted(failed); failed++) {
            total += DEFAULTS.backoffMs(failed);
        }
        assertEquals(511_000, total);
    }

    @Test
    void exhaustedOnceFailuresReachMaxAttempts() {
        assertFalse(DEFAULTS.exhausted(0));
        assertFalse(DEFAULTS.exhausted(1));
        assertFalse(DEFAULTS.exhausted(9));
        assertTrue(DEFAULTS.exhausted(10));
        assertTrue(DEFAULTS.exhausted(11));

        DeliveryPolicy once = new DeliveryPolicy(1, 1_000, 300_000, 2.0, false, 60_000);
        assertTrue(once.exhausted(1), "one attempt allowed: the first failure is final");
        assertFalse(once.exhausted(0));
    }
}
