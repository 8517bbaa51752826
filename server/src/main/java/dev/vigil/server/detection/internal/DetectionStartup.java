package dev.vigil.server.detection.internal;

import dev.vigil.server.detection.ImportResult;
import dev.vigil.server.detection.RuleFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Brings detection up before intake opens (singletons are initialised before lifecycle beans such as listeners
 * start): loads per-rule statistics, imports the bundled starter rules into an empty rule store (unless
 * {@code vigil.detection.starter-rules=false}), and compiles the stored rules. Flushes statistics on shutdown.
 */
@Component
class DetectionStartup implements SmartInitializingSingleton, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(DetectionStartup.class);

    private final DefaultRuleService rules;
    private final RuleRepository repository;
    private final RuleStatsRegistry stats;
    private final DetectionProperties properties;

    DetectionStartup(
            DefaultRuleService rules,
            RuleRepository repository,
            RuleStatsRegistry stats,
            DetectionProperties properties) {
        this.rules = rules;
        this.repository = repository;
        this.stats = stats;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        stats.load();
        if (repository.count() == 0 && properties.starterRules()) {
            try {
                ImportResult r = rules.importRules(starterRules());
                log.info(
                        "Imported {} starter rules ({} refused)",
                        r.added(),
                        r.refused().size());
                r.refused().forEach(x -> log.warn("Starter rule refused: {}", x));
            } catch (IllegalStateException e) {
                log.error("The starter rules could not be activated ({}); detection stays idle", e.getMessage());
            }
        } else {
            rules.start();
        }
    }

    /** The rules bundled in {@code starter-rules/} on the classpath. */
    static List<RuleFile> starterRules() {
        try {
            Resource[] resources =
                    new PathMatchingResourcePatternResolver().getResources("classpath*:starter-rules/**/*.yml");
            List<Resource> sorted = new ArrayList<>(Arrays.asList(resources));
            sorted.sort(Comparator.comparing(r -> String.valueOf(r.getFilename())));
            List<RuleFile> files = new ArrayList<>();
            for (Resource r : sorted) {
                String url = r.getURL().toString();
                String origin = "starter-rules/" + url.substring(url.lastIndexOf("starter-rules/") + 14);
                try (InputStream in = r.getInputStream()) {
                    files.add(new RuleFile(origin, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled starter rules", e);
        }
    }

    @Override
    public void destroy() {
        try {
            stats.flush();
        } catch (RuntimeException e) {
            log.warn("Could not write rule statistics on shutdown: {}", e.getMessage());
        }
    }
}
