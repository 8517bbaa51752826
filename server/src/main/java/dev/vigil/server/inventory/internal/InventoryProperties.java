package dev.vigil.server.inventory.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.inventory.*}.
 *
 * @param silentAfter an expected source that delivered nothing for this long is flagged (a source never seen is
 *     flagged this long after the application was registered)
 * @param coverageGrace an application with no applicable active rule is flagged this long after registration
 */
@ConfigurationProperties("vigil.inventory")
public record InventoryProperties(
        @DefaultValue("1h") Duration silentAfter,
        @DefaultValue("7d") Duration coverageGrace) {}
