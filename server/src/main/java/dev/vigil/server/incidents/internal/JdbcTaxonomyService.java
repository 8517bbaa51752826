package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.TaxonomyService;
import dev.vigil.server.platform.audit.AuditLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The taxonomy in {@code taxonomy_classes}/{@code taxonomy_types} (RSIT v1003 seeded by migration V7_003). */
@Service
class JdbcTaxonomyService implements TaxonomyService {
    private final JdbcClient jdbc;
    private final AuditLog audit;

    JdbcTaxonomyService(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    @Override
    public List<TaxonomyClass> classes(boolean includeRetired) {
        Map<String, List<TaxonomyClass.Type>> types = new LinkedHashMap<>();
        jdbc.sql("select * from taxonomy_types order by class_key, position, key")
                .query(rs -> {
                    if (includeRetired || rs.getBoolean("active")) {
                        types.computeIfAbsent(rs.getString("class_key"), k -> new ArrayList<>())
                                .add(new TaxonomyClass.Type(
                                        rs.getString("class_key"),
                                        rs.getString("key"),
                                        rs.getString("name"),
                                        rs.getString("description"),
                                        rs.getBoolean("active"),
                                        rs.getBoolean("builtin")));
                    }
                });
        return jdbc
                .sql("select * from taxonomy_classes order by position, key")
                .query((rs, n) -> new TaxonomyClass(
                        rs.getString("key"),
                        rs.getString("name"),
                        rs.getString("description"),
                        rs.getBoolean("active"),
                        rs.getBoolean("builtin"),
                        List.copyOf(types.getOrDefault(rs.getString("key"), List.of()))))
                .list()
                .stream()
                .filter(c -> includeRetired || c.active())
                .toList();
    }

    private Optional<TaxonomyClass> find(String key) {
        return classes(true).stream().filter(c -> c.key().equals(key)).findFirst();
    }

    @Override
    @Transactional
    public TaxonomyClass saveClass(String key, String name, String description, boolean active) {
        String k = Texts.key(key, "class key");
        String n = Texts.required(name, "name", 200);
        String d = Texts.optional(description, "description", 2000);
        Optional<TaxonomyClass> before = find(k);
        if (before.isPresent()) {
            jdbc.sql("update taxonomy_classes set name = ?, description = ?, active = ? where key = ?")
                    .params(n, d, active, k)
                    .update();
        } else {
            jdbc.sql("""
                            insert into taxonomy_classes (key, name, description, position, active, builtin)
                            values (?, ?, ?, (select coalesce(max(position), 0) + 1 from taxonomy_classes), ?, false)""").params(k, n, d, active).update();
        }
        TaxonomyClass after = find(k).orElseThrow();
        audit.record("taxonomy.class.save", "taxonomy", k, before.orElse(null), after);
        return after;
    }

    @Override
    @Transactional
    public TaxonomyClass.Type saveType(String classKey, String key, String name, String description, boolean active) {
        TaxonomyClass c = find(classKey).orElseThrow(() -> new NoSuchElementException("no class " + classKey));
        String k = Texts.key(key, "type key");
        String n = Texts.required(name, "name", 200);
        String d = Texts.optional(description, "description", 2000);
        Optional<TaxonomyClass.Type> before =
                c.types().stream().filter(t -> t.key().equals(k)).findFirst();
        if (before.isPresent()) {
            jdbc.sql("update taxonomy_types set name = ?, description = ?, active = ? where class_key = ? and key = ?")
                    .params(n, d, active, c.key(), k)
                    .update();
        } else {
            jdbc.sql("""
                            insert into taxonomy_types (class_key, key, name, description, position, active, builtin)
                            values (?, ?, ?, ?, (select coalesce(max(position), 0) + 1 from taxonomy_types
                                where class_key = ?), ?, false)""").params(c.key(), k, n, d, c.key(), active).update();
        }
        TaxonomyClass.Type after = find(c.key()).orElseThrow().types().stream()
                .filter(t -> t.key().equals(k))
                .findFirst()
                .orElseThrow();
        audit.record("taxonomy.type.save", "taxonomy", c.key() + "/" + k, before.orElse(null), after);
        return after;
    }

    @Override
    public void requireActive(Classification c) {
        Boolean ok = jdbc.sql("""
                        select exists (select 1 from taxonomy_types t join taxonomy_classes c on c.key = t.class_key
                            where t.class_key = ? and t.key = ? and t.active and c.active)""")
                .params(c.classKey(), c.typeKey())
                .query(Boolean.class)
                .single();
        if (!ok) {
            throw new IllegalArgumentException("'" + c + "' is not an active classification of the taxonomy");
        }
    }

    @Override
    public String label(Classification c) {
        if (c == null) {
            return "";
        }
        return jdbc.sql("""
                        select c.name || ' / ' || t.name from taxonomy_types t join taxonomy_classes c
                            on c.key = t.class_key where t.class_key = ? and t.key = ?""")
                .params(c.classKey(), c.typeKey())
                .query(String.class)
                .optional()
                .orElse(c.toString());
    }
}
