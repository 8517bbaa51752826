package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.BusinessCalendar;
import dev.vigil.server.incidents.ObligationTemplate;
import dev.vigil.server.incidents.StakeholderGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seeds the starter set once per database: stakeholder groups, business calendars and notification obligation
 * presets ({@code incidents/stakeholders.yml}), playbooks ({@code incidents/playbooks/*.yml}) and the default triage
 * rules ({@code incidents/triage-rules.yml}). What was seeded is remembered in {@code incident_seeds}, so an entry the
 * organisation changed or deleted is never overwritten or brought back; a playbook of the starter set that changed in
 * a new Vigil version is added as a new version unless the organisation already edited that playbook.
 */
@Component
@Order(100)
class IncidentSeeder implements ApplicationRunner {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final DefaultObligationService obligations;
    private final DefaultPlaybookService playbooks;
    private final DefaultTriageService triage;

    IncidentSeeder(
            JdbcClient jdbc,
            Clock clock,
            TransactionTemplate tx,
            DefaultObligationService obligations,
            DefaultPlaybookService playbooks,
            DefaultTriageService triage) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.tx = tx;
        this.obligations = obligations;
        this.playbooks = playbooks;
        this.triage = triage;
    }

    /** The document of {@code incidents/stakeholders.yml}. */
    record Presets(
            List<StakeholderGroup> groups, List<BusinessCalendar> calendars, List<ObligationTemplate> obligations) {}

    @Override
    public void run(ApplicationArguments args) {
        tx.executeWithoutResult(s -> seed());
    }

    void seed() {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('vigil-incident-seed', 7))")
                .query((rs, n) -> 1)
                .list();
        Presets p = IncidentYaml.read(read("incidents/stakeholders.yml"), Presets.class, "stakeholders.yml");
        for (StakeholderGroup g : p.groups()) {
            if (first("group", g.key())) {
                obligations.upsertGroup(g.key(), g.name(), g.description(), List.of(), true);
            }
        }
        for (BusinessCalendar c : p.calendars()) {
            if (first("calendar", c.key())) {
                obligations.upsertCalendar(obligations.validate(c), true);
            }
        }
        for (ObligationTemplate t : p.obligations()) {
            if (first("obligation", t.key())) {
                ObligationTemplate v = obligations.validate(t);
                obligations.upsertTemplate(
                        new ObligationTemplate(
                                v.key(),
                                v.name(),
                                v.regulation(),
                                v.stakeholder(),
                                v.description(),
                                v.appliesWhen(),
                                v.stages(),
                                true,
                                true,
                                null),
                        true);
            }
        }
        for (Resource r : playbookResources()) {
            String yaml = read(r);
            DefaultPlaybookService.Doc doc = playbooks.parse(yaml);
            boolean untouched = playbooks.versions(doc.key()).stream().allMatch(x -> x.builtin());
            if (first("playbook", doc.key()) || untouched) {
                playbooks.store(yaml, true, "system");
            }
        }
        if (first("triage", "default-rules")) {
            triage.seed(read("incidents/triage-rules.yml"));
        }
    }

    /** Records the seed; true when it was not seeded before. */
    private boolean first(String kind, String key) {
        return jdbc.sql("""
                        insert into incident_seeds (kind, key, seeded_at) values (?, ?, ?) on conflict do nothing""").params(kind, key, Timestamp.from(clock.instant())).update() > 0;
    }

    private static List<Resource> playbookResources() {
        try {
            Resource[] rs =
                    new PathMatchingResourcePatternResolver().getResources("classpath:incidents/playbooks/*.yml");
            return Arrays.stream(rs)
                    .sorted(Comparator.comparing(Resource::getFilename))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(String classpath) {
        return read(new org.springframework.core.io.ClassPathResource(classpath));
    }

    private static String read(Resource r) {
        try (InputStream in = r.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + r, e);
        }
    }
}
