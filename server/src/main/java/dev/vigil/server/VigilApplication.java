package dev.vigil.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.modulith.Modulithic;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The Vigil server: a Spring Boot application made of Spring Modulith modules, one top-level package each under
 * {@code dev.vigil.server} (see {@code package-info.java} of each). Started by {@code ./vigil server} and
 * {@code ./vigil demo} through {@link dev.vigil.server.cli.VigilCommand}, never directly by a {@code main} here, so
 * that offline commands never start Spring.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Modulithic(systemName = "Vigil", sharedModules = "platform")
public class VigilApplication {

    /** Builds (does not run) the application with the given extra properties, e.g. from command-line options. */
    public static SpringApplication create() {
        SpringApplication app = new SpringApplication(VigilApplication.class);
        app.setRegisterShutdownHook(true);
        return app;
    }
}
