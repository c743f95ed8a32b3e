package io.courier.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class IdsTest {

    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    @Test
    void idsAre32LowercaseHexDigitsAndDistinct() {
        int n = 20_000;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String id = Ids.random();
            assertTrue(HEX32.matcher(id).matches(), id);
            seen.add(id);
        }
        assertEquals(n, seen.size());
    }

    @Test
    void timeOrderedIdsAre32LowercaseHexDigitsDistinctAndSortByTime() {
        int n = 20_000;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String id = Ids.timeOrdered();
            assertTrue(HEX32.matcher(id).matches(), id);
            seen.add(id);
        }
        assertEquals(n, seen.size());

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
