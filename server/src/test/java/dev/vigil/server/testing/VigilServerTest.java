package dev.vigil.server.testing;

import dev.vigil.server.VigilApplication;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole server on a random port, on a fresh database of the shared {@link TestPostgres}. Every test class
 * annotated with exactly this (and no other context-changing annotation or {@code @MockitoBean}) shares ONE Spring
 * context, so the suite starts the application once. Tests must therefore not depend on an empty database: create
 * what they need with unique names. Call the API with {@link TestApi} and {@link #ADMIN_TOKEN}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(classes = VigilApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
@Import(TestBeans.class)
public @interface VigilServerTest {
    /** The bootstrap admin token of every test context. */
    String ADMIN_TOKEN = "vigil-test-admin-token-0123456789";

    /** The password of the first administrator ({@code admin}) of every test context. */
    String ADMIN_PASSWORD = "test-admin-password-0123";
}
