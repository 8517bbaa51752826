package dev.vigil.server.webhooks;

/**
 * Tells the webhooks module which audited objects belong to a replay exercise, so that their audited changes (e.g. an
 * exercise incident's {@code incident.*} audit events) reach only the subscriptions that include exercises. Modules
 * whose objects can be exercise objects implement it as a bean (incidents does, for {@code incident}); events of
 * replay exercises they publish themselves go through {@link WebhookPublisher#publish(String, java.util.UUID, Object,
 * boolean)}.
 */
public interface ExerciseObjects {

    /** True when the object of this audit entry ({@code objectType}, {@code objectId}) stems from an exercise. */
    boolean isExercise(String objectType, String objectId);
}
