package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceMatcherTest {
    static SourceMatcher.Attributes syslog(String ip, String host, String app) throws Exception {
        return new SourceMatcher.Attributes(InetAddress.getByName(ip), host, app, null, null);
    }

    @Test
    void rulesAreOrOfAndedConditionsWithGlobsAndCidrs() throws Exception {
        SourceMatcher m =
                SourceMatcher.compile(List.of("hostname=WEB-* app=sshd", "sender=10.1.0.0/16", "sender=2001:db8::/32"));
        assertThat(m.matches(syslog("192.0.2.1", "web-01", "sshd"))).isTrue();
        assertThat(m.matches(syslog("192.0.2.1", "web-01", "cron"))).isFalse();
        assertThat(m.matches(syslog("10.1.200.3", null, null))).isTrue();
        assertThat(m.matches(syslog("10.2.0.1", "db-01", "sshd"))).isFalse();
        assertThat(m.matches(syslog("2001:db8::5", null, null))).isTrue();
        assertThat(m.matches(syslog("192.0.2.1", null, "sshd"))).isFalse(); // absent hostname never matches
    }

    @Test
    void globsAnchorAtBothEnds() {
        SourceMatcher m = SourceMatcher.compile(List.of("index=filebeat-*-prod"));
        assertThat(m.matches(new SourceMatcher.Attributes(null, null, null, "filebeat-9.0-prod", null)))
                .isTrue();
        assertThat(m.matches(new SourceMatcher.Attributes(null, null, null, "filebeat-9.0-prod-x", null)))
                .isFalse();
        assertThat(m.matches(new SourceMatcher.Attributes(null, null, null, "xfilebeat-9.0-prod", null)))
                .isFalse();
        SourceMatcher any = SourceMatcher.compile(List.of("service=*checkout*"));
        assertThat(any.matches(new SourceMatcher.Attributes(null, null, null, null, "shop-checkout-v2")))
                .isTrue();
    }

    @Test
    void invalidRulesAreRefusedWithAReason() {
        assertThatThrownBy(() -> SourceMatcher.compile(List.of("color=red"))).hasMessageContaining("unknown match key");
        assertThatThrownBy(() -> SourceMatcher.compile(List.of("sender=example.com")))
                .hasMessageContaining("not an IP");
        assertThatThrownBy(() -> SourceMatcher.compile(List.of("sender=10.0.0.0/33")))
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> SourceMatcher.compile(List.of("hostname"))).hasMessageContaining("not key=value");
    }
}
