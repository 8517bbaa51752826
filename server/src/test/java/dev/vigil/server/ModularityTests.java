package dev.vigil.server;

import com.tngtech.archunit.core.domain.JavaClass;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module structure is the architecture (DESIGN.md §2): every module's {@code internal} package is private, the
 * dependency graph has no cycles, and modules use each other only through their API packages. Also renders the
 * module documentation (PlantUML component diagrams and module canvases) into {@code target/spring-modulith-docs}.
 */
class ModularityTests {
    /** {@link VigilMain} is the process entry point that dispatches to the CLI, not part of the application. */
    static final ApplicationModules MODULES =
            ApplicationModules.of(VigilApplication.class, JavaClass.Predicates.equivalentTo(VigilMain.class));

    @Test
    void modulesRespectTheirBoundaries() {
        MODULES.verify();
    }

    @Test
    void writesModuleDocumentation() {
        new Documenter(MODULES).writeDocumentation().writeIndividualModulesAsPlantUml();
    }
}
