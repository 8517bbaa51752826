package dev.vigil.server.ingest.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A source's match rules compiled: rules are OR-ed, the conditions inside a rule AND-ed (see
 * {@link dev.vigil.server.ingest.LogSource#match()}). Globs are case-insensitive with {@code *}; senders are IPs or
 * CIDR blocks (IPv4 and IPv6). Compilation refuses unknown keys and malformed values with a reason.
 */
public final class SourceMatcher {
    /** What a record is matched on; absent attributes are null and never match a condition on them. */
    public record Attributes(InetAddress sender, String hostname, String app, String index, String service) {}

    private sealed interface Condition {
        boolean test(Attributes a);
    }

    private record Glob(String key, String[] parts, boolean anchoredStart, boolean anchoredEnd) implements Condition {
        @Override
        public boolean test(Attributes a) {
            String v = switch (key) {
                case "hostname" -> a.hostname();
                case "app" -> a.app();
                case "index" -> a.index();
                default -> a.service();
            };
            return v != null && globMatches(v.toLowerCase(Locale.ROOT), parts, anchoredStart, anchoredEnd);
        }
    }

    private record Cidr(byte[] network, int prefix) implements Condition {
        @Override
        public boolean test(Attributes a) {
            if (a.sender() == null) {
                return false;
            }
            byte[] addr = a.sender().getAddress();
            if (addr.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (addr[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (addr[full] & mask) == (network[full] & mask);
        }
    }

    private final List<List<Condition>> rules;

    private SourceMatcher(List<List<Condition>> rules) {
        this.rules = rules;
    }

    public static SourceMatcher compile(List<String> match) {
        List<List<Condition>> rules = new ArrayList<>();
        for (String rule : match) {
            List<Condition> conditions = new ArrayList<>();
            for (String c : rule.trim().split("\\s+")) {
                if (c.isEmpty()) {
                    continue;
                }
                int eq = c.indexOf('=');
                if (eq <= 0 || eq == c.length() - 1) {
                    throw new IllegalArgumentException("match condition '" + c + "' is not key=value");
                }
                String key = c.substring(0, eq).toLowerCase(Locale.ROOT);
                String value = c.substring(eq + 1);
                conditions.add(
                        switch (key) {
                            case "sender" -> cidr(value);
                            case "hostname", "app", "index", "service" -> glob(key, value);
                            default ->
                                throw new IllegalArgumentException("unknown match key '" + key
                                        + "' (one of sender, hostname, app, index, service)");
                        });
            }
            if (!conditions.isEmpty()) {
                rules.add(List.copyOf(conditions));
            }
        }
        return new SourceMatcher(List.copyOf(rules));
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public boolean matches(Attributes a) {
        for (List<Condition> rule : rules) {
            boolean all = true;
            for (Condition c : rule) {
                if (!c.test(a)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static Glob glob(String key, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return new Glob(key, v.split("\\*", -1), !v.startsWith("*"), !v.endsWith("*"));
    }

    static boolean globMatches(String s, String[] parts, boolean anchoredStart, boolean anchoredEnd) {
        if (parts.length == 1) {
            return s.equals(parts[0]);
        }
        int pos = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                continue;
            }
            if (i == 0 && anchoredStart) {
                if (!s.startsWith(p)) {
                    return false;
                }
                pos = p.length();
            } else if (i == parts.length - 1 && anchoredEnd) {
                return s.length() - p.length() >= pos && s.endsWith(p);
            } else {
                int at = s.indexOf(p, pos);
                if (at < 0) {
                    return false;
                }
                pos = at + p.length();
            }
        }
        return true;
    }

    private static Cidr cidr(String value) {
        int slash = value.indexOf('/');
        String ip = slash < 0 ? value : value.substring(0, slash);
        if (!ip.matches("[0-9a-fA-F.:]+")) {
            throw new IllegalArgumentException("sender '" + value + "' is not an IP address or CIDR block");
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(ip).getAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("sender '" + value + "' is not an IP address or CIDR block");
        }
        int prefix = addr.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > addr.length * 8) {
                throw new IllegalArgumentException("sender '" + value + "' has an invalid prefix length");
            }
        }
        return new Cidr(addr, prefix);
    }
}
