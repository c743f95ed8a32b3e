package io.courier.api;

import java.util.Map;

/**
 * The result of a fan-out: one {@link InvocationResult} per target.
 *
 * @param id      the fan-out's id
 * @param results target name to its result, in the order the targets were given
 */
public record FanInResult(String id, Map<String, InvocationResult> results) {

    public FanInResult {
        results = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(results));
    }

    /** Whether every target answered without error. */
    public boolean allSucceeded() {
        return results.values().stream().allMatch(InvocationResult::succeeded);
    }
}
