package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private static final String GUESSER = "10.0.0.1";
    private static final String OTHER = "10.0.0.2";

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle throttle = new LoginThrottle(now::get);

    private void fail(String address) {
        assertEquals(0, throttle.admit(address), "admitted");
        throttle.done(address, false);
    }

    private void spendTheFreeFailures() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            fail(GUESSER);
        }
    }

    /** Fails this many times, each after waiting as long as the throttle can ask. */
    private void failOncePerLongestWait(int times) {
        for (int i = 0; i < times; i++) {
            now.addAndGet(LoginThrottle.MAX_DELAY_MS);
            fail(GUESSER);
        }
    }

    @Test
    void theFirstFailuresCostNothingThenEachWaitDoubles() {
        spendTheFreeFailures();
        assertEquals(1_000, throttle.admit(GUESSER), "refused, unchecked, for a second after the 5th failure");
        now.addAndGet(999);
        assertEquals(1, throttle.admit(GUESSER));
        now.addAndGet(1);
        fail(GUESSER);
        assertEquals(2_000, throttle.admit(GUESSER), "the 6th failure doubles the wait");
        now.addAndGet(2_000);
        fail(GUESSER);
        assertEquals(4_000, throttle.admit(GUESSER));

        assertEquals(0, throttle.admit(OTHER), "other addresses are not slowed down");
    }

    @Test
    void theWaitStopsGrowingAtFiveMinutes() {
        failOncePerLongestWait(20);
        assertEquals(LoginThrottle.MAX_DELAY_MS, throttle.admit(GUESSER));
    }

    @Test
    void onceTheFreeFailuresAreSpentOneAttemptAtATimeIsChecked() {
        spendTheFreeFailures();
        now.addAndGet(1_000);
        assertEquals(0, throttle.admit(GUESSER), "the first waits its turn and is checked");
        assertTrue(throttle.admit(GUESSER) > 0, "a parallel one is refused while the first is checked");
        throttle.done(GUESSER, false);
        assertEquals(2_000, throttle.admit(GUESSER));
    }

    @Test
    void aSuccessForgetsTheFailures() {
        spendTheFreeFailures();
        now.addAndGet(1_000);
        assertEquals(0, throttle.admit(GUESSER));
        throttle.done(GUESSER, true);

        spendTheFreeFailures();
        assertEquals(1_000, throttle.admit(GUESSER), "five free failures again, then the first wait");
    }

    @Test
    void failuresAreForgottenAfterAnHourOfQuiet() {
        failOncePerLongestWait(8);
        now.addAndGet(LoginThrottle.FORGET_AFTER_MS);
        spendTheFreeFailures();
        assertEquals(1_000, throttle.admit(GUESSER));
    }

    @Test
    void beyondTenThousandAddressesTheForgottenOnesAreDropped() {
        for (int i = 0; i <= LoginThrottle.PRUNE_ABOVE; i++) {
            fail("10.1." + i);
        }
        assertEquals(LoginThrottle.PRUNE_ABOVE + 1, throttle.tracked(), "all kept within the hour");

        now.addAndGet(LoginThrottle.FORGET_AFTER_MS);
        fail(GUESSER);

        assertEquals(1, throttle.tracked(), "only the address that failed within the hour is left");
    }
}
