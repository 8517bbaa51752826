package dev.vigil.engine.compile;

/**
 * An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code fe80::/10}) and a strict parser for IP literals. We never use
 * {@code InetAddress.getByName} here: it would resolve host names, and event values are attacker-controlled.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) are treated as the IPv4 address.
 */
public final class CidrBlock {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private CidrBlock(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses {@code address/prefix} (or a bare address: a host route). */
    public static CidrBlock parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] ip = parseIp(addr);
        if (ip == null) throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 network");
        int max = ip.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("'" + text + "': prefix /" + prefix + " is longer than " + max);
            }
        }
        // mask host bits so that 10.1.2.3/8 means 10.0.0.0/8 (as Python's ip_network(strict=False) would)
        byte[] net = ip.clone();
        for (int bit = prefix; bit < max; bit++) net[bit >> 3] &= (byte) ~(0x80 >> (bit & 7));
        return new CidrBlock(net, prefix, t);
    }

    /** True when {@code value} is an IP literal inside this network. Non-IP values never match. */
    public boolean contains(String value) {
        byte[] ip = parseIp(value);
        if (ip == null || ip.length != network.length) return false;
        int full = prefix >> 3;
        for (int i = 0; i < full; i++) if (ip[i] != network[i]) return false;
        int rest = prefix & 7;
        if (rest == 0) return true;
        int mask = (0xFF00 >> rest) & 0xFF;
        return (ip[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }

    /** Parses an IPv4 or IPv6 literal into 4 or 16 bytes (IPv4-mapped IPv6 into 4), or null. */
    public static byte[] parseIp(String s) {
        if (s == null) return null;
        String t = s.trim();
        if (t.length() < 2 || t.length() > 64) return null;
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        int pct = t.indexOf('%');
        if (pct >= 0) t = t.substring(0, pct); // IPv6 zone id
        if (t.indexOf(':') >= 0) {
            byte[] v6 = parseV6(t);
            if (v6 == null) return null;
            boolean mapped = true;
            for (int i = 0; i < 10; i++) if (v6[i] != 0) mapped = false;
            if (mapped && v6[10] == (byte) 0xFF && v6[11] == (byte) 0xFF) {
                return new byte[] {v6[12], v6[13], v6[14], v6[15]};
            }
            return v6;
        }
        return parseV4(t);
    }

    private static byte[] parseV4(String t) {
        byte[] out = new byte[4];
        int part = 0;
        int val = -1;
        int digits = 0;
        for (int i = 0; i <= t.length(); i++) {
            char c = i < t.length() ? t.charAt(i) : '.';
            if (c == '.') {
                if (val < 0 || part > 3) return null;
                out[part++] = (byte) val;
                val = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && val == 0) return null; // no leading zeros (ambiguous octal)
                val = (val < 0 ? 0 : val * 10) + (c - '0');
                if (++digits > 3 || val > 255) return null;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static byte[] parseV6(String t) {
        int dbl = t.indexOf("::");
        if (dbl >= 0 && t.indexOf("::", dbl + 1) >= 0) return null;
        int[] h = groups(dbl >= 0 ? t.substring(0, dbl) : t);
        int[] tl = groups(dbl >= 0 ? t.substring(dbl + 2) : "");
        if (h == null || tl == null) return null;
        int total = h.length + tl.length;
        if (dbl < 0 ? total != 8 : total > 7) return null;
        byte[] out = new byte[16];
        for (int i = 0; i < h.length; i++) put(out, i * 2, h[i]);
        for (int i = 0; i < tl.length; i++) put(out, 16 - (tl.length - i) * 2, tl[i]);
        return out;
    }

    /** 16-bit groups of one side of "::"; a trailing dotted IPv4 counts as two groups. Null when malformed. */
    private static int[] groups(String s) {
        if (s.isEmpty()) return new int[0];
        String[] parts = s.split(":", -1);
        if (parts.length > 8) return null;
        int[] r = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = parseV4(p);
                if (v4 == null) return null;
                r[n++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                r[n++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) return null;
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = hex(p.charAt(k));
                if (d < 0) return null;
                v = v * 16 + d;
            }
            r[n++] = v;
        }
        return java.util.Arrays.copyOf(r, n);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static void put(byte[] out, int p, int v) {
        out[p] = (byte) (v >>> 8);
        out[p + 1] = (byte) v;
    }
}
