/**
 * Platform: what every module stands on. The data directory ({@link dev.vigil.server.platform.DataDirectory}),
 * the database (bundled PostgreSQL in {@code DATA_DIR/pg}, or an external one through {@code vigil.database.url})
 * and the application {@link java.time.Clock}. Schema changes are Flyway migrations of each module under
 * {@code db/migration}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Platform")
package dev.vigil.server.platform;
