package dev.vigil.server.security.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.security.*}.
 *
 * @param bootstrapApiToken {@code VIGIL_BOOTSTRAP_API_TOKEN}: on first start an admin token with this value is
 *     created (at least 16 characters); empty for none
 * @param tokenCacheTtl how long a successful token check is cached (revocation on this node is immediate)
 */
@ConfigurationProperties("vigil.security")
public record SecurityProperties(
        String bootstrapApiToken, @DefaultValue("30s") Duration tokenCacheTtl) {}
