package dev.vigil.server.security.internal;

import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.security.UserRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The first administrator. When there are no users at all, creates {@code vigil.security.admin-username}
 * (default {@code admin}) with the role admin and the password {@code VIGIL_ADMIN_PASSWORD}; without it, a random
 * password is generated, printed once on standard output (never to the log) and written to
 * {@code DATA_DIR/initial-admin-password} (mode 600). Later starts change nothing.
 */
@Component
@Order(10)
class BootstrapAdmin implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
    static final String FILE = "initial-admin-password";
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final SecurityProperties properties;
    private final JdbcUserService users;
    private final DataDirectory dataDirectory;

    BootstrapAdmin(SecurityProperties properties, JdbcUserService users, DataDirectory dataDirectory) {
        this.properties = properties;
        this.users = users;
        this.dataDirectory = dataDirectory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (users.count() > 0) {
            return;
        }
        String password = properties.adminPassword();
        boolean generated = password == null || password.isBlank();
        if (generated) {
            password = generate();
        }
        try {
            users.create(new UserRequest(
                    properties.adminUsername(), "Administrator", null, Set.of("admin"), true, password));
        } catch (IllegalStateException raced) {
            // another instance starting on the same empty database created the administrator first
            if (users.count() > 0) {
                log.info("The first administrator was created by another instance");
                return;
            }
            throw raced;
        }
        if (generated) {
            Path file = dataDirectory.root().resolve(FILE);
            SecretFiles.write(file, password);
            System.out.println();
            System.out.println("=".repeat(78));
            System.out.println(" Vigil created the first administrator. Sign in to the web UI with");
            System.out.println("   user name: " + properties.adminUsername());
            System.out.println("   password:  " + password);
            System.out.println(" (shown once; also in " + file + ", mode 600 - delete it after signing in)");
            System.out.println("=".repeat(78));
            System.out.println();
            log.warn(
                    "Created the administrator '{}' with a generated password (see standard output and {})",
                    properties.adminUsername(),
                    file);
        } else {
            log.info(
                    "Created the administrator '{}' with the password from VIGIL_ADMIN_PASSWORD",
                    properties.adminUsername());
        }
    }

    static String generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                sb.append('-');
            }
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
