package dev.vigil.server.platform.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.platform.api.PageQuery;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlFilterTest {

    @Test
    void withoutConditionsThereIsNoWhereClause() {
        SqlFilter f = new SqlFilter().whenPresent("source = ?", null).range("created_at", null, null);
        assertThat(f.sql()).isEmpty();
        assertThat(f.params()).isEmpty();
        assertThat(f.params(50, 100L)).containsExactly(50, 100L);
    }

    @Test
    void conditionsAreAndedInOrderAndValuesStayParameters() {
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = Instant.parse("2026-02-01T00:00:00Z");
        SqlFilter f = new SqlFilter()
                .whenPresent("source = ?", "web'; drop table alerts; --")
                .and("(a = ? or b = ?)", "x", "x")
                .whenPresent("rule_id = ?", null)
                .range("created_at", from, to);
        assertThat(f.sql()).isEqualTo(" where source = ? and (a = ? or b = ?) and created_at >= ? and created_at < ?");
        assertThat(f.params())
                .containsExactly("web'; drop table alerts; --", "x", "x", Timestamp.from(from), Timestamp.from(to));
        assertThat(f.params(10, 20L)).hasSize(7).endsWith(10, 20L);
    }

    @Test
    void anOpenRangeBoundAddsNoCondition() {
        Instant to = Instant.parse("2026-02-01T00:00:00Z");
        assertThat(new SqlFilter().range("t", null, to).sql()).isEqualTo(" where t < ?");
        assertThat(new SqlFilter().range("t", to, null).sql()).isEqualTo(" where t >= ?");
    }

    @Test
    void orderByMapsSortKeysToColumnsAndRefusesOthers() {
        Map<String, String> columns = Map.of("createdAt", "created_at", "number", "number");
        assertThat(SqlFilter.orderBy(PageQuery.of(0, 10), columns, " asc", " desc"))
                .isEmpty();
        PageQuery two = new PageQuery(
                0, 10, List.of(new PageQuery.Sort("createdAt", true), new PageQuery.Sort("number", false)));
        assertThat(SqlFilter.orderBy(two, columns, " asc nulls last", " desc nulls last"))
                .isEqualTo(" order by created_at desc nulls last, number asc nulls last");
        PageQuery hostile = new PageQuery(0, 10, List.of(new PageQuery.Sort("id; drop table x", false)));
        assertThatThrownBy(() -> SqlFilter.orderBy(hostile, columns, "", " desc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot sort by 'id; drop table x'");
    }
}
