package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.incidents.IncidentFacts;
import dev.vigil.server.incidents.Rca;
import dev.vigil.server.incidents.RcaService;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The incident facts read a page's root-cause analyses in one query: the number of SQL statements for a page does
 * not grow with the page size (counted by a statement-counting wrapper around the real DataSource, given to a second
 * instance of the services), and the RCA states are those that reading each RCA on its own gives (completed, waived,
 * a draft counted as missing, none: missing or not required by severity).
 */
@VigilServerTest
class IncidentFactsStatementsTest {
    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DefaultIncidentService incidents;

    @Autowired
    RcaService rca;

    @Autowired
    Clock clock;

    @Autowired
    AuditLog audit;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    IncidentRepository repo;

    @Autowired
    Timeline timeline;

    @Autowired
    DefaultTaskService tasks;

    @Autowired
    DefaultPlaybookService playbooks;

    @Autowired
    DefaultObligationService obligations;

    @Autowired
    JdbcTaxonomyService taxonomy;

    @Autowired
    DefaultTriageService triage;

    @Autowired
    AlertService alerts;

    @Autowired
    MeterRegistry meters;

    @Autowired
    IncidentProperties properties;

    /** Counts the statements prepared or created through the connections of {@code target}. */
    static DataSource counting(DataSource target, AtomicInteger statements) {
        return (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, args) -> {
                    Object result = invoke(target, m, args);
                    if (result instanceof Connection c) {
                        return Proxy.newProxyInstance(
                                Connection.class.getClassLoader(),
                                new Class<?>[] {Connection.class},
                                (cp, cm, cargs) -> {
                                    if (cm.getName().equals("prepareStatement")
                                            || cm.getName().equals("createStatement")
                                            || cm.getName().equals("prepareCall")) {
                                        statements.incrementAndGet();
                                    }
                                    return invoke(c, cm, cargs);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private UUID incident(TestApi admin, String severity, Instant createdAt) {
        TestApi.Response r = admin.postJson(
                "/api/v1/incidents",
                "{\"title\":\"facts statements\",\"severity\":\"" + severity + "\",\"priority\":3,"
                        + "\"classification\":{\"classKey\":\"intrusions\",\"typeKey\":\"application-compromise\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        UUID id = UUID.fromString(r.json().path("id").asString());
        jdbc.sql("update incidents set created_at = ? where id = ?")
                .params(Timestamp.from(createdAt), id)
                .update();
        return id;
    }

    @Test
    void aPageOfFactsReadsItsRcasInOneQueryWithTheStatesOfSingleReads() {
        TestApi admin = TestApi.admin(port);
        Instant from = Instant.parse("2005-01-01T00:00:00Z")
                .plus(Duration.ofHours(Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 80_000L)));
        Instant to = from.plus(Duration.ofHours(1));
        List<UUID> ids = new ArrayList<>();
        for (int n = 0; n < 24; n++) {
            UUID id = incident(admin, n % 2 == 0 ? "high" : "low", from.plusSeconds(n));
            ids.add(id);
            switch (n % 4) {
                case 0 -> rca.waive(id, "false positive " + n);
                case 1 ->
                    rca.save(
                            id,
                            new RcaService.Draft(
                                    "Phishing " + n,
                                    List.of(new Rca.Cause("technology", "no link rewriting")),
                                    List.of("no MFA"),
                                    List.of(new Rca.CorrectiveAction(
                                            "rewrite links", "mail-team", LocalDate.of(2030, 1, 1), "open")),
                                    "reports work"));
                case 2 -> rca.save(id, new RcaService.Draft("draft " + n, List.of(), List.of(), List.of(), null));
                default -> {}
            }
            if (n % 4 == 1) {
                rca.complete(id);
            }
        }

        AtomicInteger statements = new AtomicInteger();
        JdbcClient counted = JdbcClient.create(counting(dataSource, statements));
        DefaultRcaService countedRca = new DefaultRcaService(counted, clock, audit, timeline, repo, properties);
        DefaultIncidentService counting = new DefaultIncidentService(
                counted,
                clock,
                audit,
                events,
                repo,
                timeline,
                tasks,
                playbooks,
                obligations,
                countedRca,
                taxonomy,
                triage,
                alerts,
                meters);

        Map<Integer, Integer> perSize = new LinkedHashMap<>();
        Map<UUID, String> seen = new LinkedHashMap<>();
        for (int size : List.of(1, 4, 24)) {
            statements.set(0);
            Page<IncidentFacts> page = counting.facts(from, to, AlertQuery.Exercises.EXCLUDE, PageQuery.of(0, size));
            perSize.put(size, statements.get());
            assertThat(page.items()).hasSize(size);
            page.items().forEach(f -> seen.put(f.id(), f.rca()));
            assertThat(page.items())
                    .as("the same facts as the application's own service")
                    .isEqualTo(incidents
                            .facts(from, to, AlertQuery.Exercises.EXCLUDE, PageQuery.of(0, size))
                            .items());
        }
        assertThat(perSize.get(1)).as("statements for one page").isPositive();
        assertThat(Set.copyOf(perSize.values()))
                .as("statements per page size %s", perSize)
                .hasSize(1);

        assertThat(seen.keySet()).containsExactlyElementsOf(ids);
        for (int n = 0; n < ids.size(); n++) {
            UUID id = ids.get(n);
            String single = rca.get(id)
                    .map(r -> r.completed() ? "completed" : r.waived() ? "waived" : null)
                    .orElse(n % 2 == 0 ? "missing" : "not-required");
            assertThat(seen.get(id)).as("incident %d", n).isEqualTo(single);
        }
        assertThat(seen.values())
                .containsExactlyElementsOf(List.of(
                        "waived",
                        "completed",
                        "missing",
                        "not-required",
                        "waived",
                        "completed",
                        "missing",
                        "not-required",
                        "waived",
                        "completed",
                        "missing",
                        "not-required",
                        "waived",
                        "completed",
                        "missing",
                        "not-required",
                        "waived",
                        "completed",
                        "missing",
                        "not-required",
                        "waived",
                        "completed",
                        "missing",
                        "not-required"));
    }
}
