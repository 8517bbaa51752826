package dev.vigil.server.governance.internal;

import dev.vigil.server.platform.api.PageQuery;

/** The direction of a keyset list with one sort key ({@code field}, already checked by {@code @Paging}). */
final class Paged {
    private Paged() {}

    static boolean descending(PageQuery page, String field) {
        if (page.sort().size() > 1) {
            throw new IllegalArgumentException("this list sorts by " + field + " only (asc or desc)");
        }
        return !page.sort().isEmpty() && page.sort().getFirst().descending();
    }
}
