package io.courier.api;

/** Argument checks shared by the option builders. */
final class Checks {

    private Checks() {
    }

    /** Null, or 1 to {@value PublishOptions#MAX_ID_LENGTH} characters without control characters. */
    static String id(String what, String value) {
        if (value == null) {
            return null;
        }
        if (value.isBlank() || value.length() > PublishOptions.MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1 to " + PublishOptions.MAX_ID_LENGTH
                    + " characters, not blank, got '" + value + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " must not contain control characters");
            }
        }
        return value;
    }
}
