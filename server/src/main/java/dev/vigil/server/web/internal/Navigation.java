package dev.vigil.server.web.internal;

import dev.vigil.server.security.AccessControl;
import dev.vigil.server.web.NavEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The navigation: every {@link NavEntry} bean the caller may see, grouped by section. The layout template reads it
 * as {@code ${@navigation.sections()}}, so pages need not add anything to their model.
 */
@Component("navigation")
public class Navigation {
    private static final List<String> SECTIONS =
            List.of(NavEntry.OPERATE, NavEntry.DETECT, NavEntry.GOVERN, NavEntry.ADMIN);

    private final ObjectProvider<NavEntry> entries;
    private final AccessControl access;

    Navigation(ObjectProvider<NavEntry> entries, AccessControl access) {
        this.entries = entries;
        this.access = access;
    }

    /** A section of the navigation with the entries the caller may see. */
    public record Section(String name, List<Item> entries) {}

    /** An entry and whether it is the current page (or an ancestor of it). */
    public record Item(NavEntry entry, boolean current) {
        public String label() {
            return entry.label();
        }

        public String path() {
            return entry.path();
        }
    }

    public List<Section> sections() {
        Set<dev.vigil.server.platform.access.Permission> mine = access.currentPermissions();
        Map<String, List<NavEntry>> by = new LinkedHashMap<>();
        SECTIONS.forEach(s -> by.put(s, new ArrayList<>()));
        entries.orderedStream()
                .filter(e -> mine.contains(e.permission()))
                .forEach(e ->
                        by.computeIfAbsent(e.section(), k -> new ArrayList<>()).add(e));
        List<Section> out = new ArrayList<>();
        by.forEach((name, list) -> {
            if (!list.isEmpty()) {
                list.sort(Comparator.comparingInt(NavEntry::order).thenComparing(NavEntry::label));
                out.add(new Section(
                        name, list.stream().map(e -> new Item(e, current(e))).toList()));
            }
        });
        return out;
    }

    /** True when {@code entry} is the current request's page or an ancestor of it. */
    public boolean current(NavEntry entry) {
        String requestPath = org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
                        instanceof org.springframework.web.context.request.ServletRequestAttributes a
                ? a.getRequest().getRequestURI()
                : null;
        if (requestPath == null) {
            return false;
        }
        return entry.path().equals("/")
                ? requestPath.equals("/")
                : requestPath.equals(entry.path()) || requestPath.startsWith(entry.path() + "/");
    }
}
