package dev.vigil.server.assessment.internal;

import dev.vigil.server.events.EventStore;
import dev.vigil.server.events.RetroHunts;
import dev.vigil.server.governance.Checklist;
import dev.vigil.server.governance.ChecklistEntry;
import dev.vigil.server.governance.DetectionChecklist;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.GovernedProcess;
import dev.vigil.server.governance.ProcessKind;
import dev.vigil.server.governance.RaciAssignment;
import dev.vigil.server.inventory.Application;
import dev.vigil.server.inventory.Coverage;
import dev.vigil.server.inventory.InventoryService;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Gathers {@link Facts} from the governance, checklist and inventory modules, and incident and on-call facts from a
 * {@link ResponseFactsSource} when one is installed (else {@link Facts.ResponseFacts#none}).
 */
@Component
class FactsCollector {
    private final GovernanceService governance;
    private final DetectionChecklist checklist;
    private final InventoryService inventory;
    private final ObjectProvider<ResponseFactsSource> response;
    private final ObjectProvider<EventStore> eventStore;
    private final ObjectProvider<RetroHunts> retroHunts;

    FactsCollector(
            GovernanceService governance,
            DetectionChecklist checklist,
            InventoryService inventory,
            ObjectProvider<ResponseFactsSource> response,
            ObjectProvider<EventStore> eventStore,
            ObjectProvider<RetroHunts> retroHunts) {
        this.eventStore = eventStore;
        this.retroHunts = retroHunts;
        this.governance = governance;
        this.checklist = checklist;
        this.inventory = inventory;
        this.response = response;
    }

    Facts collect(Instant asOf) {
        List<Facts.App> apps = new ArrayList<>();
        for (Coverage c : inventory.coverageAll(asOf)) {
            Application a = c.application();
            boolean delivering = c.sources().stream()
                    .anyMatch(s -> s.configured() && s.lastSeen() != null && !flaggedSilent(c, s.name()));
            boolean analyzed = delivering && !c.rules().isEmpty();
            boolean covered = analyzed
                    && c.flags().stream()
                            .noneMatch(fl -> fl.code().equals("SOURCE_NOT_CONFIGURED")
                                    || fl.code().equals("SOURCE_SILENT")
                                    || fl.code().equals("NO_COVERAGE"));
            apps.add(new Facts.App(a.name(), a.criticality().id(), analyzed, covered));
        }
        List<GovernedProcess> processes = governance.processes();
        GovernedProcess detection = first(processes, ProcessKind.DETECTION);
        GovernedProcess responseProcess = first(processes, ProcessKind.RESPONSE);

        Checklist cl = checklist.checklist(asOf);
        LocalDate today = LocalDate.ofInstant(asOf, ZoneOffset.UTC);
        int managed = 0;
        int covered = 0;
        int overdue = 0;
        Set<String> sources = new HashSet<>();
        for (ChecklistEntry e : cl.entries()) {
            if (!e.managed()) {
                continue;
            }
            managed++;
            covered += e.covered() ? 1 : 0;
            overdue += e.reviewOverdue(today) ? 1 : 0;
            sources.add(e.source());
        }
        List<RaciAssignment> raci = governance.raci();
        Set<String> raciTypes = new HashSet<>();
        for (RaciAssignment r : raci) {
            if (!r.incidentType().equals("default")) {
                raciTypes.add(r.incidentType());
            }
        }
        ResponseFactsSource src = response.getIfAvailable();
        boolean forensic = eventStore.getIfAvailable() != null && retroHunts.getIfAvailable() != null;
        Facts.ResponseFacts rf =
                src == null ? Facts.ResponseFacts.none(raciTypes, forensic) : src.facts(asOf, raciTypes, forensic);
        return new Facts(
                asOf,
                apps,
                detection,
                responseProcess,
                governance.contactPoints(),
                governance.training(null),
                raci,
                governance.exercises(),
                managed,
                covered,
                overdue,
                sources,
                checklist.defects("open"),
                rf);
    }

    private static boolean flaggedSilent(Coverage c, String source) {
        return c.flags().stream().anyMatch(f -> f.code().equals("SOURCE_SILENT") && source.equals(f.source()));
    }

    private static GovernedProcess first(List<GovernedProcess> processes, ProcessKind kind) {
        return processes.stream()
                .filter(p -> p.kind() == kind)
                .min(Comparator.comparing(GovernedProcess::createdAt))
                .orElse(null);
    }
}
