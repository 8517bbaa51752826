package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.Intake;
import dev.vigil.server.ingest.LogSource;
import dev.vigil.server.normalize.ParserKind;
import dev.vigil.server.normalize.ParserSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** {@code log_sources} in PostgreSQL. */
@Repository
class SourceRepository {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final JdbcClient jdbc;

    SourceRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<LogSource> findAll() {
        return jdbc.sql("select * from log_sources order by name")
                .query(SourceRepository::map)
                .list();
    }

    Optional<LogSource> find(String name) {
        return jdbc.sql("select * from log_sources where name = ?")
                .param(name)
                .query(SourceRepository::map)
                .optional();
    }

    void insertIfAbsent(LogSource s) {
        jdbc.sql("""
                insert into log_sources (id, name, intake, parser, parser_options, pipeline, product, category, service,
                    application, match_rules, priority, enabled, builtin, created_at, updated_at)
                values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                on conflict (name) do nothing""").params(values(s)).update();
    }

    /** Inserts; false when the name is taken. */
    boolean insert(LogSource s) {
        return jdbc.sql("""
                        insert into log_sources (id, name, intake, parser, parser_options, pipeline, product, category,
                            service, application, match_rules, priority, enabled, builtin, created_at, updated_at)
                        values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                        on conflict (name) do nothing""").params(values(s)).update() == 1;
    }

    boolean update(LogSource s) {
        return jdbc.sql("""
                        update log_sources set intake = ?, parser = ?, parser_options = ?::jsonb, pipeline = ?,
                            product = ?, category = ?, service = ?, application = ?, match_rules = ?::jsonb,
                            priority = ?, enabled = ?, updated_at = ?
                        where name = ?""")
                        .params(
                                s.intake().id(),
                                s.parser().kind().id(),
                                JSON.writeValueAsString(s.parser().options()),
                                s.pipeline(),
                                s.product(),
                                s.category(),
                                s.service(),
                                s.application(),
                                JSON.writeValueAsString(s.match()),
                                s.priority(),
                                s.enabled(),
                                Timestamp.from(s.updatedAt()),
                                s.name())
                        .update()
                == 1;
    }

    boolean delete(String name) {
        return jdbc.sql("delete from log_sources where name = ? and not builtin")
                        .param(name)
                        .update()
                == 1;
    }

    private static Object[] values(LogSource s) {
        return new Object[] {
            s.id(),
            s.name(),
            s.intake().id(),
            s.parser().kind().id(),
            JSON.writeValueAsString(s.parser().options()),
            s.pipeline(),
            s.product(),
            s.category(),
            s.service(),
            s.application(),
            JSON.writeValueAsString(s.match()),
            s.priority(),
            s.enabled(),
            s.builtin(),
            Timestamp.from(s.createdAt()),
            Timestamp.from(s.updatedAt())
        };
    }

    private static LogSource map(ResultSet rs, int row) throws SQLException {
        Map<String, String> options = JSON.readValue(rs.getString("parser_options"), new TypeReference<>() {});
        List<String> match = JSON.readValue(rs.getString("match_rules"), new TypeReference<>() {});
        return new LogSource(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                Intake.of(rs.getString("intake")),
                new ParserSpec(ParserKind.of(rs.getString("parser")), options),
                rs.getString("pipeline"),
                rs.getString("product"),
                rs.getString("category"),
                rs.getString("service"),
                rs.getString("application"),
                match,
                rs.getInt("priority"),
                rs.getBoolean("enabled"),
                rs.getBoolean("builtin"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
