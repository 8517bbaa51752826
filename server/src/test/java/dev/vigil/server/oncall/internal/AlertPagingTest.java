package dev.vigil.server.oncall.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertRaised;
import dev.vigil.server.alerts.AlertsRaised;
import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.oncall.PageRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;

/**
 * Per-alert paging ({@code vigil.oncall.alerts.enabled}) receives alerts in batches ({@link AlertsRaised}) and pages
 * each alert of a batch exactly as it paged a single alert: the same page requests, in order, for the alerts at or
 * above the minimum level, none for exercise alerts, none at all when switched off.
 */
class AlertPagingTest {
    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    private static AlertRaised alert(AlertLevel level, String source, String user) {
        return new AlertRaised(
                UUID.randomUUID(),
                "rule-" + level.id(),
                "Rule " + level.id(),
                level,
                List.of("attack.t1110"),
                source,
                "shop",
                Map.of("user", user),
                NOW,
                NOW);
    }

    private static OnCallProperties properties(boolean enabled) {
        return new OnCallProperties(
                "https://vigil.example.com",
                Duration.ofHours(24),
                "default",
                new OnCallProperties.Alerts(enabled, "high"),
                new OnCallProperties.Check(false, Duration.ofDays(7), Duration.ofHours(12)));
    }

    private static AlertPaging paging(DefaultPagingService service, boolean enabled) {
        OnCallProperties p = properties(enabled);
        return new AlertPaging(service, p, new SimpleMeterRegistry(), new PublicUrl(p));
    }

    @Test
    void aBatchPagesEveryAlertAtOrAboveTheLevelAsSingleAlertsWouldBePaged() {
        List<AlertRaised> alerts = List.of(
                alert(AlertLevel.MEDIUM, "winlog", "alice"),
                alert(AlertLevel.HIGH, "winlog", "bob"),
                alert(AlertLevel.CRITICAL, ExerciseTag.eventSource(UUID.randomUUID(), "winlog"), "carol"),
                alert(AlertLevel.CRITICAL, "winlog", "dave"));
        DefaultPagingService batched = mock(DefaultPagingService.class);
        when(batched.hasDefaultPolicy()).thenReturn(true);
        paging(batched, true).on(new AlertsRaised(alerts));
        ArgumentCaptor<PageRequest> fromBatch = ArgumentCaptor.forClass(PageRequest.class);
        verify(batched, Mockito.times(2)).startPaging(fromBatch.capture());

        DefaultPagingService single = mock(DefaultPagingService.class);
        when(single.hasDefaultPolicy()).thenReturn(true);
        AlertPaging one = paging(single, true);
        for (AlertRaised a : alerts) {
            one.on(new AlertsRaised(List.of(a)));
        }
        ArgumentCaptor<PageRequest> fromSingles = ArgumentCaptor.forClass(PageRequest.class);
        verify(single, Mockito.times(2)).startPaging(fromSingles.capture());

        assertThat(fromBatch.getAllValues()).isEqualTo(fromSingles.getAllValues());
        List<String> subjects = new ArrayList<>();
        fromBatch.getAllValues().forEach(r -> subjects.add(r.subjectType() + ":" + r.subjectId()));
        assertThat(subjects)
                .containsExactly(
                        "alert:" + alerts.get(1).alertId(),
                        "alert:" + alerts.get(3).alertId());
        PageRequest bob = fromBatch.getAllValues().getFirst();
        assertThat(bob.summary()).contains("Rule: Rule high (rule-high)").contains("user: bob");
        assertThat(bob.links().getFirst().url())
                .isEqualTo("https://vigil.example.com/api/v1/alerts/"
                        + alerts.get(1).alertId());
    }

    @Test
    void switchedOffItPagesNothing() {
        DefaultPagingService service = mock(DefaultPagingService.class);
        paging(service, false).on(new AlertsRaised(List.of(alert(AlertLevel.CRITICAL, "winlog", "eve"))));
        verifyNoInteractions(service);
    }

    @Test
    void withoutADefaultPolicyNothingIsPagedAndEachAlertIsCounted() {
        DefaultPagingService service = mock(DefaultPagingService.class);
        when(service.hasDefaultPolicy()).thenReturn(false);
        OnCallProperties p = properties(true);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new AlertPaging(service, p, meters, new PublicUrl(p))
                .on(new AlertsRaised(
                        List.of(alert(AlertLevel.HIGH, "winlog", "x"), alert(AlertLevel.CRITICAL, "winlog", "y"))));
        verify(service, Mockito.never()).startPaging(any());
        assertThat(meters.counter("vigil.oncall.alerts.unpaged", "reason", "no-default-policy")
                        .count())
                .isEqualTo(2.0);
    }
}
