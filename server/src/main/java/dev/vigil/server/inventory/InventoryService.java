package dev.vigil.server.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The application inventory. Names are unique and case-insensitive (stored lower-case). */
public interface InventoryService {
    Application create(ApplicationRequest request);

    /** Replaces an application's attributes (the name may change); empty when there is no such application. */
    Optional<Application> update(String name, ApplicationRequest request);

    boolean delete(String name);

    List<Application> list();

    Optional<Application> get(String name);

    /** Coverage of one application as of {@code asOf} (normally now). */
    Optional<Coverage> coverage(String name, Instant asOf);

    /** Coverage of every application as of {@code asOf} (rules and sources read once: assessment). */
    List<Coverage> coverageAll(Instant asOf);

    /** Coverage of every application that has at least one flag, as of {@code asOf}. */
    List<Coverage> flagged(Instant asOf);
}
