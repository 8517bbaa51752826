package dev.vigil.server.detection.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Tables {@code detection_rule_files} and {@code detection_rules}. */
@Repository
class RuleRepository {
    private final JdbcClient jdbc;

    RuleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record StoredFile(String origin, String yaml, String sha256, Instant importedAt) {}

    record StoredRule(
            String ref,
            String kind,
            String origin,
            String title,
            String level,
            String status,
            List<String> tags,
            String product,
            String category,
            String service,
            boolean enabled,
            Instant importedAt,
            Instant updatedAt) {}

    List<StoredFile> files() {
        return jdbc.sql("select * from detection_rule_files order by origin")
                .query((rs, i) -> new StoredFile(
                        rs.getString("origin"),
                        rs.getString("yaml"),
                        rs.getString("sha256"),
                        rs.getTimestamp("imported_at").toInstant()))
                .list();
    }

    Optional<StoredFile> file(String origin) {
        return jdbc.sql("select * from detection_rule_files where origin = ?")
                .param(origin)
                .query((rs, i) -> new StoredFile(
                        rs.getString("origin"),
                        rs.getString("yaml"),
                        rs.getString("sha256"),
                        rs.getTimestamp("imported_at").toInstant()))
                .optional();
    }

    List<StoredRule> rules() {
        return jdbc.sql("select * from detection_rules order by title, ref")
                .query((rs, i) -> rule(rs))
                .list();
    }

    Optional<StoredRule> rule(String ref) {
        return jdbc.sql("select * from detection_rules where ref = ?")
                .param(ref)
                .query((rs, i) -> rule(rs))
                .optional();
    }

    long count() {
        return jdbc.sql("select count(*) from detection_rules")
                .query(Long.class)
                .single();
    }

    void upsertFile(String origin, String yaml, String sha256, Instant now) {
        jdbc.sql("""
                        insert into detection_rule_files (origin, yaml, sha256, imported_at) values (?, ?, ?, ?)
                        on conflict (origin) do update set yaml = excluded.yaml, sha256 = excluded.sha256,
                            imported_at = excluded.imported_at""").params(origin, yaml, sha256, Timestamp.from(now)).update();
    }

    /** Inserts or updates a rule row; a rule keeps its enabled flag and import time. */
    void upsertRule(StoredRule r) {
        jdbc.sql("""
                        insert into detection_rules (ref, kind, origin, title, level, status, tags, product, category,
                            service, enabled, imported_at, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?)
                        on conflict (ref) do update set kind = excluded.kind, origin = excluded.origin,
                            title = excluded.title, level = excluded.level, status = excluded.status,
                            tags = excluded.tags, product = excluded.product, category = excluded.category,
                            service = excluded.service, updated_at = excluded.updated_at""")
                .params(
                        r.ref(),
                        r.kind(),
                        r.origin(),
                        r.title(),
                        r.level(),
                        r.status(),
                        pgArray(r.tags()),
                        r.product(),
                        r.category(),
                        r.service(),
                        r.enabled(),
                        Timestamp.from(r.importedAt()),
                        Timestamp.from(r.updatedAt()))
                .update();
    }

    List<String> refsOf(String origin) {
        return jdbc.sql("select ref from detection_rules where origin = ?")
                .param(origin)
                .query(String.class)
                .list();
    }

    boolean setEnabled(String ref, boolean enabled, Instant now) {
        return jdbc.sql("update detection_rules set enabled = ?, updated_at = ? where ref = ?")
                        .params(enabled, Timestamp.from(now), ref)
                        .update()
                > 0;
    }

    boolean delete(String ref) {
        return jdbc.sql("delete from detection_rules where ref = ?").param(ref).update() > 0;
    }

    /** Removes files that no longer define any rule. */
    int deleteOrphanFiles() {
        return jdbc.sql("""
                        delete from detection_rule_files f
                        where not exists (select 1 from detection_rules r where r.origin = f.origin)""").update();
    }

    private static StoredRule rule(ResultSet rs) throws SQLException {
        return new StoredRule(
                rs.getString("ref"),
                rs.getString("kind"),
                rs.getString("origin"),
                rs.getString("title"),
                rs.getString("level"),
                rs.getString("status"),
                Arrays.asList((String[]) rs.getArray("tags").getArray()),
                rs.getString("product"),
                rs.getString("category"),
                rs.getString("service"),
                rs.getBoolean("enabled"),
                rs.getTimestamp("imported_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    /** A PostgreSQL array literal ({@code {"a","b"}}) for a {@code ?::text[]} parameter. */
    static String pgArray(List<String> values) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"')
                    .append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return b.append('}').toString();
    }
}
