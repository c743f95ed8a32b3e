package io.courier.core;

import java.util.UUID;

/** Generates the ids Courier hands out: message, invocation and correlation ids. */
public final class Ids {

    private Ids() {
    }

    /** 32 lowercase hex digits, random (a UUID without its dashes). */
    public static String random() {
        UUID u = UUID.randomUUID();
        return hex(u.getMostSignificantBits()) + hex(u.getLeastSignificantBits());
    }

    private static String hex(long v) {
        String s = Long.toHexString(v);
        return "0".repeat(16 - s.length()) + s;
    }
}
