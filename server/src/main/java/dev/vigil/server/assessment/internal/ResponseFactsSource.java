package dev.vigil.server.assessment.internal;

import java.time.Instant;
import java.util.Set;

/**
 * Incident-handling and on-call facts for the assessment, read from the incidents and on-call modules' public APIs.
 * Absent when those modules are not part of the installation; the assessment then says so in its answers.
 */
interface ResponseFactsSource {
    /** Facts over the year before {@code asOf} (on-call: the 30 days before); {@code raciTypes} are incident types. */
    Facts.ResponseFacts facts(Instant asOf, Set<String> raciTypes, boolean forensicTooling);
}
