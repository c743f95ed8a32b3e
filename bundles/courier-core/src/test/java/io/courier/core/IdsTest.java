package io.courier.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class IdsTest {

    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    private static void assertHex32AndDistinct(Supplier<String> ids) {
        int n = 20_000;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String id = ids.get();
            assertTrue(HEX32.matcher(id).matches(), id);
            seen.add(id);
        }
        assertEquals(n, seen.size());
    }

    @Test
    void idsAre32LowercaseHexDigitsAndDistinct() {
        assertHex32AndDistinct(Ids::random);
    }

    @Test
    void timeOrderedIdsAre32LowercaseHexDigitsDistinctAndSortByTime() {
        assertHex32AndDistinct(Ids::timeOrdered);

        long before = System.currentTimeMillis();
        String earlier = Ids.timeOrdered();
        while (System.currentTimeMillis() <= Long.parseLong(earlier.substring(0, 12), 16)) {
            Thread.onSpinWait(); // until the next millisecond
        }
        String later = Ids.timeOrdered();
        assertTrue(earlier.compareTo(later) < 0, earlier + " then " + later);
        long time = Long.parseLong(earlier.substring(0, 12), 16);
        assertTrue(time >= before && time <= before + 1_000, "the first 12 digits are the time in ms: " + time);
    }
}
