package io.courier.web.internal;

/** One page of a queue: how many messages to skip and how many to show. */
record Paging(int offset, int limit) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    /**
     * Reads the request parameters {@code offset} and {@code limit}; absent or blank ones take their default.
     *
     * @throws WebException 400, naming the parameter and the accepted range
     */
    static Paging parse(String offset, String limit) {
        return new Paging(number("offset", offset, 0, 0, Integer.MAX_VALUE),
                number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    Paging next() {
        return new Paging(offset + limit, limit);
    }

    Paging previous() {
        return new Paging(Math.max(0, offset - limit), limit);
    }

    /** Reads a whole number parameter within a range. */
    static int number(String name, String value, int absent, int min, int max) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw WebException.badRequest(name + " must be a whole number from " + min
                + (max == Integer.MAX_VALUE ? " on" : " to " + max) + ", not " + Errors.quote(value));
    }
}
