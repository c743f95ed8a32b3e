package io.courier.api;

import java.util.regex.Pattern;

/** The rules for service and shared topic names. */
public final class Names {

    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._-]{1," + Service.MAX_NAME_LENGTH + "}");
    private static final Pattern TOPIC = Pattern
            .compile("(/[A-Za-z0-9._-]+)+");

    private Names() {
    }

    /** Letters, digits, {@code .}, {@code -} and {@code _}, 1 to 200 characters. */
    public static boolean isServiceName(String name) {
        return name != null && SERVICE.matcher(name).matches();
    }

    /** {@code /} followed by segments of letters, digits, {@code .}, {@code -}, {@code _}, separated by {@code /}. */
    public static boolean isSharedTopicName(String name) {
        return name != null && name.length() <= Service.MAX_NAME_LENGTH && TOPIC.matcher(name).matches();
    }

    /** Why a name is not a valid service name, or null if it is one. */
    public static String serviceNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "the name is empty";
        }
        if (name.startsWith("/")) {
            return "a service name must not start with '/' (that marks a shared topic)";
        }
        if (name.length() > Service.MAX_NAME_LENGTH) {
            return "the name is longer than " + Service.MAX_NAME_LENGTH + " characters";
        }
        if (!SERVICE.matcher(name).matches()) {
            return "a service name may hold only letters, digits, '.', '-' and '_'";
        }
        return null;
    }
}
