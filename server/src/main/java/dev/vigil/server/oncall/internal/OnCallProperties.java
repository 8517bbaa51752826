package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.Severity;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.oncall.*}.
 *
 * @param publicUrl the base URL of Vigil in links (e.g. {@code https://vigil.example.com}); default the local server
 * @param actionLinkValidity how long acknowledge/resolve links in notifications work
 * @param defaultPolicy the escalation policy (name) used when a page names none, e.g. pages from alerts
 * @param alerts paging straight from alerts (until incidents page): on/off and the lowest level that pages
 * @param check the out-of-band check of channels and on-call people (SAMM IM3-B): on/off, cadence, and how long a
 *     person has to confirm receipt of the test notification
 */
@ConfigurationProperties("vigil.oncall")
record OnCallProperties(
        @DefaultValue("") String publicUrl,
        @DefaultValue("24h") Duration actionLinkValidity,
        @DefaultValue("default") String defaultPolicy,
        @DefaultValue Alerts alerts,
        @DefaultValue Check check) {

    record Alerts(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("high") String minLevel) {
        Severity minSeverity() {
            return Severity.parse(minLevel);
        }
    }

    record Check(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("7d") Duration interval,
            @DefaultValue("12h") Duration confirmWithin) {}
}
