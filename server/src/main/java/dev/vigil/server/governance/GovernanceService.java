package dev.vigil.server.governance;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Processes, responsibilities, contact points, manual reports, training and exercises. Every change is audited in
 * its transaction (object types {@code process}, {@code raci}, {@code contact-point}, {@code incident-report},
 * {@code training}, {@code exercise}). Invalid input throws {@link IllegalArgumentException}; a conflict (duplicate
 * key) {@link IllegalStateException}; an unknown object {@link java.util.NoSuchElementException}.
 */
public interface GovernanceService {

    // processes

    GovernedProcess createProcess(ProcessRequest request);

    GovernedProcess updateProcess(String key, ProcessRequest request);

    List<GovernedProcess> processes();

    Optional<GovernedProcess> process(String key);

    /** Adds a documentation version (Markdown, at most 256 KiB) by the current user. */
    ProcessDocument publishDocument(String key, String markdown, String summary);

    /** The given version, or the latest when {@code version} is null. */
    Optional<ProcessDocument> document(String key, Integer version);

    List<ProcessDocument> documents(String key);

    /** Records a review at {@code reviewedAt} (null: now) by the current user; sets the next due date. */
    ProcessReview recordReview(String key, Instant reviewedAt, String notes);

    List<ProcessReview> reviews(String key);

    ProcessHistory history(String key);

    // RACI

    RaciAssignment putRaci(RaciRequest request);

    boolean deleteRaci(String incidentType, String activity);

    List<RaciAssignment> raci();

    // contact points and manual reports

    ContactPoint createContactPoint(ContactPointRequest request);

    ContactPoint updateContactPoint(UUID id, ContactPointRequest request);

    boolean deleteContactPoint(UUID id);

    List<ContactPoint> contactPoints();

    /** Files a report by the current user and raises its alert. */
    IncidentReport report(IncidentReportRequest request);

    List<IncidentReport> reports(int limit);

    // training

    TrainingRecord recordTraining(TrainingRequest request);

    boolean deleteTraining(UUID id);

    /** Training records, optionally of one process (null: all), newest first. */
    List<TrainingRecord> training(String processKey);

    /**
     * One page of the training records (of one process, or all) by {@code completedAt} (newest first by default), the
     * id breaking ties; by offset or keyset cursor. Records grow with staff and years: the API pages.
     */
    dev.vigil.server.platform.api.Page<TrainingRecord> training(
            String processKey, dev.vigil.server.platform.api.PageQuery page);

    // exercises

    Exercise recordExercise(ExerciseRequest request);

    List<Exercise> exercises();

    Optional<Exercise> exercise(UUID id);

    Exercise addFinding(UUID exerciseId, FindingRequest request);

    Exercise closeFinding(UUID findingId, String resolution);

    /** Sends the reminders due at {@code now} that were not sent yet; returns them (the daily job calls this). */
    List<GovernanceReminder> sendDueReminders(Instant now);
}
