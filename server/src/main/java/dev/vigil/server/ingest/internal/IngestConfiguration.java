package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.DurableJournal;
import dev.vigil.server.ingest.EventSink;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.security.ApiEndpoint;
import dev.vigil.server.security.ApiScope;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Wires the intake: registry, pipeline, intake service, syslog listeners, metrics, endpoint scopes. */
@Configuration(proxyBeanMethods = false)
class IngestConfiguration {
    private static final Logger log = LoggerFactory.getLogger(IngestConfiguration.class);

    @Bean
    SourceRegistry sourceRegistry(Clock clock) {
        return new SourceRegistry(clock);
    }

    /**
     * Detection provides the {@link EventSink}; the event store provides the {@link DurableJournal} in front of it
     * (without one, nothing is durable and acknowledgements complete when a batch is queued).
     */
    @Bean(destroyMethod = "close")
    IngestPipeline ingestPipeline(IngestProperties p, List<DurableJournal> journals, EventSink sink) {
        if (journals.size() > 1) {
            throw new IllegalStateException("more than one DurableJournal: " + journals);
        }
        return new IngestPipeline(
                p.queueEvents(),
                p.queueSize().toBytes(),
                p.workers(),
                journals.isEmpty() ? DurableJournal.NONE : journals.get(0),
                sink,
                p.evaluationRetry());
    }

    /**
     * Starts the replay of durable-but-unevaluated events once every singleton is ready (detection has compiled its
     * rules by then), before the listeners and the web server open.
     */
    @Bean
    SmartLifecycle ingestPipelineReplay(IngestPipeline pipeline) {
        return new SmartLifecycle() {
            private volatile boolean started;

            @Override
            public void start() {
                if (!started) {
                    started = true;
                    pipeline.start();
                }
            }

            @Override
            public void stop() {
                // the pipeline is closed as a bean
            }

            @Override
            public boolean isRunning() {
                return started;
            }

            @Override
            public int getPhase() {
                return Integer.MIN_VALUE + 1000;
            }
        };
    }

    @Bean
    IntakeService intakeService(SourceRegistry registry, IngestPipeline pipeline, Clock clock, IngestProperties p) {
        pipeline.onDiscard(events -> {
            for (var e : events) {
                SourceCounters c = registry.counters(e.sourceName());
                if (c != null) {
                    c.discarded(1);
                }
            }
        });
        InFlightGate gate = new InFlightGate(p.maxInFlightBytes());
        log.info(
                "ingest: at most {} bytes of request bodies in flight at once (vigil.ingest.max-in-flight)",
                gate.max());
        return new IntakeService(
                registry,
                pipeline,
                clock,
                new IntakeService.Limits(
                        (int) p.maxRecordSize().toBytes(), p.maxBodySize().toBytes(), 100),
                gate);
    }

    /** The Elasticsearch handshake and probe endpoints shippers call with their ingest credentials. */
    @Bean
    ApiEndpoint esLicense() {
        return ApiEndpoint.of(HttpMethod.GET, "/_license", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esXpack() {
        return ApiEndpoint.of(HttpMethod.GET, "/_xpack", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esIndexTemplate() {
        return ApiEndpoint.of("/_index_template/**", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esLegacyTemplate() {
        return ApiEndpoint.of("/_template/**", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esIlm() {
        return ApiEndpoint.of("/_ilm/**", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esIngestPipeline() {
        return ApiEndpoint.of("/_ingest/**", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esNodes() {
        return ApiEndpoint.of(HttpMethod.GET, "/_nodes/**", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esDataStream() {
        return ApiEndpoint.of("/_data_stream/**", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esCluster() {
        return ApiEndpoint.of(HttpMethod.GET, "/_cluster/**", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esIndexHead() {
        return ApiEndpoint.of(HttpMethod.HEAD, "/*", ApiScope.INGEST);
    }

    @Bean
    ApiEndpoint esAlias() {
        return ApiEndpoint.of("/_alias/**", ApiScope.INGEST);
    }

    /** Starts the syslog listeners with the application and stops them first on shutdown. */
    @Component
    static class SyslogListeners implements SmartLifecycle {
        private final IngestProperties properties;
        private final IntakeService intake;
        private final DataDirectory dataDirectory;
        private volatile SyslogServer server;

        SyslogListeners(IngestProperties properties, IntakeService intake, DataDirectory dataDirectory) {
            this.properties = properties;
            this.intake = intake;
            this.dataDirectory = dataDirectory;
        }

        @Override
        public void start() {
            var s = properties.syslog();
            if (!s.enabled()) {
                return;
            }
            SyslogServer srv = new SyslogServer(
                    new SyslogServer.Config(
                            s.bindAddress(),
                            s.udpPort(),
                            s.tcpPort(),
                            s.tlsPort(),
                            (int) properties.maxRecordSize().toBytes(),
                            s.maxConnections(),
                            s.tlsCertificate(),
                            s.tlsPrivateKey(),
                            dataDirectory.directory("ingest")),
                    intake);
            try {
                srv.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the syslog listeners: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            server = srv;
            log.info(
                    "syslog listening on {} udp/{} tcp/{} tls/{}",
                    s.bindAddress(),
                    srv.udpPort(),
                    srv.tcpPort(),
                    srv.tlsPort());
        }

        @Override
        public void stop() {
            SyslogServer srv = server;
            server = null;
            if (srv != null) {
                srv.close();
            }
        }

        @Override
        public boolean isRunning() {
            return server != null;
        }

        /** Stop before the web server and the pipeline (higher phase stops first). */
        @Override
        public int getPhase() {
            return Integer.MAX_VALUE - 10;
        }

        /** The running listeners (ports for tests and the demo), or null. */
        SyslogServer server() {
            return server;
        }
    }

    /**
     * Intake metrics: per source {@code vigil.ingest.records{source,outcome}} (accepted, rejected, dropped) and
     * {@code vigil.ingest.source.last.seen}; the pipeline's queue gauges and delivery counters; throttled requests and
     * unusable bodies. Sources are registered as they appear (checked every 15 seconds and on first use).
     */
    @Component
    static class IngestMetrics {
        private final MeterRegistry meters;
        private final IntakeService intake;
        private final Set<String> registered = ConcurrentHashMap.newKeySet();

        IngestMetrics(MeterRegistry meters, IntakeService intake, SyslogListeners syslog) {
            this.meters = meters;
            this.intake = intake;
            IngestPipeline p = intake.pipeline();
            Gauge.builder("vigil.ingest.queue.events", p, IngestPipeline::queuedEvents)
                    .description("events queued or being evaluated")
                    .register(meters);
            Gauge.builder("vigil.ingest.queue.bytes", p, IngestPipeline::queuedBytes)
                    .description("estimated heap bytes of queued events")
                    .baseUnit("bytes")
                    .register(meters);
            Gauge.builder("vigil.ingest.queue.capacity.events", p, IngestPipeline::maxEvents)
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.delivered", p, IngestPipeline::deliveredEvents)
                    .description("events handed to detection")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.delivery.failed", p, IngestPipeline::failedEvents)
                    .description("events in batches detection failed on")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.delivery.outages", p, IngestPipeline::outageFailures)
                    .description("detection calls that failed because the database behind it was unavailable (the"
                            + " batch was held and retried, no event blamed)")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.delivery.statement.failures", p, IngestPipeline::statementFailures)
                    .description("detection calls that failed because a statement did not finish (timeout, cancel,"
                            + " serialization failure, deadlock): retried for vigil.ingest.evaluation-retry, then the"
                            + " event that makes it fail is isolated")
                    .register(meters);
            Gauge.builder("vigil.ingest.delivery.held", p, IngestPipeline::heldEvents)
                    .description("events held by the workers until the database behind detection is back")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.delivery.left", p, IngestPipeline::leftForRestartEvents)
                    .description("events still held at shutdown, evaluated at the next start")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.not.durable", p, IngestPipeline::notDurableEvents)
                    .description("events whose batch the event store could not make durable (answered 503)")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.replayed", p, IngestPipeline::replayedEvents)
                    .description("durable events evaluated again at start (not evaluated before the last stop)")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.throttled", intake, IntakeService::throttledRequests)
                    .description("HTTP requests answered 429 because the pipeline was full")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.unavailable", intake, IntakeService::notDurableRequests)
                    .description("HTTP requests answered 503 because the event store could not make them durable")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.bad.bodies", intake, IntakeService::badBodies)
                    .description("HTTP requests refused whole (broken gzip, not OTLP, too large)")
                    .register(meters);
            InFlightGate gate = intake.gate();
            Gauge.builder("vigil.ingest.in.flight.bytes", gate, InFlightGate::used)
                    .description("request body bytes being read and normalized (vigil.ingest.max-in-flight)")
                    .baseUnit("bytes")
                    .register(meters);
            Gauge.builder("vigil.ingest.in.flight.capacity.bytes", gate, InFlightGate::max)
                    .baseUnit("bytes")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.in.flight.refused", gate, InFlightGate::refused)
                    .description("HTTP requests answered 429 and syslog reads paused (TCP) or dropped (UDP) because"
                            + " vigil.ingest.max-in-flight was reached")
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.record.failures", intake, IntakeService::recordFailures)
                    .description("records rejected alone because processing them failed unexpectedly (internal error)")
                    .register(meters);
            Gauge.builder("vigil.ingest.syslog.connections", syslog, l -> {
                        SyslogServer s = l.server();
                        return s == null ? 0 : s.openConnections();
                    })
                    .register(meters);
            FunctionCounter.builder("vigil.ingest.syslog.connections.refused", syslog, l -> {
                        SyslogServer s = l.server();
                        return s == null ? 0 : s.refusedConnections();
                    })
                    .register(meters);
            registerSources();
        }

        @Scheduled(fixedDelayString = "PT15S")
        void registerSources() {
            intake.registry().allCounters().forEach((name, c) -> {
                if (!registered.add(name)) {
                    return;
                }
                FunctionCounter.builder("vigil.ingest.records", c, x -> x.accepted.sum())
                        .tags("source", name, "outcome", "accepted")
                        .register(meters);
                FunctionCounter.builder("vigil.ingest.records", c, x -> x.rejected.sum())
                        .tags("source", name, "outcome", "rejected")
                        .register(meters);
                FunctionCounter.builder("vigil.ingest.records", c, x -> x.dropped.sum())
                        .tags("source", name, "outcome", "dropped")
                        .register(meters);
                Gauge.builder("vigil.ingest.source.last.seen", c, x -> {
                            var t = x.lastSeen();
                            return t == null ? Double.NaN : t.toEpochMilli() / 1000.0;
                        })
                        .tags("source", name)
                        .baseUnit("seconds")
                        .register(meters);
                Gauge.builder("vigil.ingest.source.rate", c, SourceCounters::ratePerSecond)
                        .tags("source", name)
                        .description("accepted events per second over the last minute")
                        .register(meters);
            });
        }
    }
}
