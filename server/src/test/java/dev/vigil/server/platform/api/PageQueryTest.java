package dev.vigil.server.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageQueryTest {

    @Test
    void aKeysetListIsDescendingOnlyWhenItsOneKeyIsDescending() {
        assertThat(PageQuery.of(0, 10).descendingBy("at")).isFalse();
        assertThat(PageQuery.of(0, 10, new PageQuery.Sort("at", false)).descendingBy("at"))
                .isFalse();
        assertThat(PageQuery.of(0, 10, new PageQuery.Sort("at", true)).descendingBy("at"))
                .isTrue();
    }

    @Test
    void anotherFieldOrASecondKeyIsRefused() {
        assertThatThrownBy(() ->
                        PageQuery.of(0, 10, new PageQuery.Sort("title", true)).descendingBy("at"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot sort by 'title'");
        assertThatThrownBy(() -> PageQuery.of(0, 10, new PageQuery.Sort("at", true), new PageQuery.Sort("at", false))
                        .descendingBy("at"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sorts by at only");
    }
}
