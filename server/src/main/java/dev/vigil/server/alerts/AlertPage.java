package dev.vigil.server.alerts;

import java.util.List;

/**
 * One page of alerts and the total number matching the query; {@code exercisesHidden}: with
 * {@link AlertQuery.Exercises#EXCLUDE}, how many exercise alerts match the other filters (0 otherwise), so that a list
 * can say what it leaves out.
 */
public record AlertPage(List<Alert> items, int page, int size, long total, long exercisesHidden) {

    public AlertPage(List<Alert> items, int page, int size, long total) {
        this(items, page, size, total, 0);
    }
}
