package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.incidents.ObligationTemplate;
import dev.vigil.server.incidents.TriageRule;
import dev.vigil.server.testing.VigilServerTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Triage rules and obligation templates are kept parsed between alerts, yet a change to their tables — here made
 * with plain SQL, as another Vigil instance sharing the database would — is seen by the very next read.
 */
@VigilServerTest
class TableSnapshotTest {
    @Autowired
    DefaultTriageService triage;

    @Autowired
    DefaultObligationService obligations;

    @Autowired
    JdbcClient jdbc;

    @Test
    void triageRulesAreReadOnceAndReloadedWhenTheTableChanges() {
        List<TriageRule> first = triage.rules();
        assertThat(first).isNotEmpty();
        assertThat(triage.rules())
                .as("unchanged table: the parsed rules are reused")
                .isSameAs(first);

        TriageRule rule = first.getFirst();
        flip("triage_rules", "enabled", "name", rule.name());
        try {
            List<TriageRule> after = triage.rules();
            assertThat(after).isNotSameAs(first);
            assertThat(after.getFirst().enabled()).isEqualTo(!rule.enabled());
            // a position change alone (what reordering writes) is a change too
            jdbc.sql("update triage_rules set position = position + 1 where name = ?")
                    .param(rule.name())
                    .update();
            assertThat(triage.rules().getFirst().position()).isEqualTo(rule.position() + 1);
        } finally {
            flip("triage_rules", "enabled", "name", rule.name());
            jdbc.sql("update triage_rules set position = ? where name = ?")
                    .params(rule.position(), rule.name())
                    .update();
        }
        assertThat(triage.rules().getFirst()).isEqualTo(rule);
    }

    @Test
    void obligationTemplatesAreReadOnceAndReloadedWhenTheTableChanges() {
        List<ObligationTemplate> first = obligations.templates();
        assertThat(first).isNotEmpty();
        assertThat(obligations.templates()).isSameAs(first);

        ObligationTemplate template = first.getFirst();
        flip("obligation_templates", "active", "key", template.key());
        try {
            assertThat(obligations.templates().getFirst().active()).isEqualTo(!template.active());
        } finally {
            flip("obligation_templates", "active", "key", template.key());
        }
        assertThat(obligations.templates().getFirst()).isEqualTo(template);
    }

    private void flip(String table, String column, String keyColumn, String key) {
        jdbc.sql("update " + table + " set " + column + " = not " + column + " where " + keyColumn + " = ?")
                .param(key)
                .update();
    }
}
