package dev.vigil.server.incidents;

import java.util.List;

/**
 * The incident classification taxonomy: the Reference Security Incident Taxonomy (RSIT, TF-CSIRT/ENISA, v1003) ships
 * as data; the organisation may add classes and types, rename them, or retire them (retired entries stay valid on
 * incidents that used them but cannot be chosen anymore). Changes are audited.
 */
public interface TaxonomyService {

    List<TaxonomyClass> classes(boolean includeRetired);

    TaxonomyClass saveClass(String key, String name, String description, boolean active);

    TaxonomyClass.Type saveType(String classKey, String key, String name, String description, boolean active);

    /** Throws IllegalArgumentException unless the classification names an active class and type. */
    void requireActive(Classification classification);

    /** "Intrusions / Application Compromise" for people; the keys when unknown. */
    String label(Classification classification);

    record TaxonomyClass(
            String key, String name, String description, boolean active, boolean builtin, List<Type> types) {
        public record Type(
                String classKey, String key, String name, String description, boolean active, boolean builtin) {}
    }
}
