package dev.vigil.server.ingest;

import java.util.List;
import java.util.Optional;

/** Read access to the configured log sources for other modules (application inventory, governance). */
public interface LogSources {
    List<LogSource> list();

    Optional<LogSource> find(String name);
}
