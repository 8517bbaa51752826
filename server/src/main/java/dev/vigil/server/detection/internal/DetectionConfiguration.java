package dev.vigil.server.detection.internal;

import dev.vigil.engine.Detection;
import dev.vigil.engine.EngineListener;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.correlate.CorrelationListener;
import dev.vigil.engine.correlate.CorrelationOptions;
import dev.vigil.engine.correlate.KillChainConfig;
import dev.vigil.server.detection.DetectionService;
import dev.vigil.server.ingest.EventSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class DetectionConfiguration {
    @Bean
    CorrelationState correlationState(JdbcClient jdbc, Clock clock, DetectionProperties properties) {
        return new CorrelationState(jdbc, clock, properties.correlation().stateKey());
    }

    /**
     * The engine: base detections withheld for correlation ({@code generate: false}) still count as matches of
     * their rule; correlation counters go to Micrometer; kill-chain scoring as configured; the saved correlation
     * state is restored when the engine is created, before it matches its first event.
     */
    @Bean
    ActiveRules activeRules(
            DetectionProperties properties,
            CorrelationState state,
            RuleStatsRegistry stats,
            DetectionMetrics metrics,
            Clock clock) {
        ActiveRules[] self = new ActiveRules[1];
        EngineListener listener = new EngineListener() {
            @Override
            public void detectionWithheld(Detection d) {
                stats.matched(self[0].refOf(d.ruleId()), clock.instant());
                metrics.withheld();
            }
        };
        CorrelationListener correlationListener = new CorrelationListener() {
            @Override
            public void late(Detection detection, java.time.Instant eventTime, java.time.Instant watermark) {
                metrics.late();
            }

            @Override
            public void evicted(String rule, java.util.Map<String, String> groupKey) {
                metrics.evicted();
            }
        };
        CorrelationOptions correlation = CorrelationOptions.defaults()
                .withAllowance(properties.correlation().allowance())
                .withKillChain(killChain(properties.correlation().killChain()))
                .withListener(correlationListener)
                // an exercise's replayed events correlate only among themselves, production only with production
                .withPartition(DefaultDetectionService::correlationPartition);
        self[0] = new ActiveRules(
                properties.excludedStatuses(),
                EngineOptions.defaults().withListener(listener),
                correlation,
                state::restore);
        metrics.correlation(() -> self[0].engine());
        return self[0];
    }

    /** {@code off}, {@code on} or a YAML file; an invalid file stops the start with the key at fault. */
    static KillChainConfig killChain(String setting) {
        String s = setting == null ? "off" : setting.strip();
        if (s.isEmpty() || s.equalsIgnoreCase("off") || s.equalsIgnoreCase("false")) {
            return null;
        }
        if (s.equalsIgnoreCase("on") || s.equalsIgnoreCase("true") || s.equalsIgnoreCase("default")) {
            return KillChainConfig.defaults();
        }
        try {
            String yaml = Files.readString(Path.of(s), StandardCharsets.UTF_8);
            if (!KillChainConfig.enabled(yaml)) {
                return null;
            }
            return KillChainConfig.parse(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("vigil.detection.correlation.kill-chain: cannot read " + s, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "vigil.detection.correlation.kill-chain: " + s + ": " + e.getMessage(), e);
        }
    }

    /** Correlation alerts waiting for the alert store, on disk in {@code <data dir>/detection/firings/}. */
    @Bean
    FiringSpool firingSpool(
            dev.vigil.server.platform.DataDirectory data,
            tools.jackson.databind.json.JsonMapper json,
            DetectionProperties properties) {
        return new FiringSpool(
                data.directory("detection").resolve("firings"),
                json,
                properties.correlation().maxSetAsideFiles(),
                properties.correlation().maxSetAsideSize().toBytes());
    }

    /** Intake delivers its batches here (the intake pipeline looks up the {@link EventSink} bean). */
    @Bean
    EventSink detectionEventSink(DetectionService detection) {
        return detection::process;
    }
}
