package io.courier.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Generates the ids Courier hands out: message, invocation and correlation ids. */
public final class Ids {

    private Ids() {
    }

    /** 32 lowercase hex digits, random (a UUID without its dashes). */
    public static String random() {
        UUID u = UUID.randomUUID();
        return hex(u.getMostSignificantBits()) + hex(u.getLeastSignificantBits());
    }

    /**
     * 32 lowercase hex digits that sort in the order they were made, to the millisecond: the time in milliseconds
     * since 1970 (12 digits), then 80 random bits (20 digits). Message ids are these: an index on them grows at
     * one end, like the keys, instead of taking each new id at a random place (which, in a table of millions of
     * messages, reads the index from disk at every insert); and they list in publish order.
     */
    public static String timeOrdered() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String time = Long.toHexString(System.currentTimeMillis());
        String bits = hex(random.nextLong()) + Integer.toHexString(0x10000 | random.nextInt(0x10000)).substring(1);
        return "0".repeat(12 - time.length()) + time + bits;
    }

    private static String hex(long v) {
        String s = Long.toHexString(v);
        return "0".repeat(16 - s.length()) + s;
    }
}
