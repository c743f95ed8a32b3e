package io.courier.api;

import java.util.concurrent.CompletionStage;

/**
 * A fan-out in progress.
 *
 * @param id         shared by the per-target results and the final result
 * @param completion completes once every target has a result (an answer, an error or a timeout); never
 *                   completes exceptionally
 */
public record FanOut(String id, CompletionStage<FanInResult> completion) {
}
