package dev.vigil.server.platform.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Which configured targets an outbound HTTP call may not reach (server-side request forgery): a host that resolves to
 * a link-local address (169.254.0.0/16 and fe80::/10, where cloud metadata services answer), the any-address or a
 * multicast address is always refused; loopback (127.0.0.0/8, ::1) only when the module's setting allows it (tests, a
 * local relay, the demo's receiver). Private networks are allowed: internal relays and chat servers live there.
 * Checked at every attempt, since a name may resolve differently later.
 */
public final class OutboundTarget {
    private OutboundTarget() {}

    /**
     * Why {@code target} may not be called, or null when it may.
     *
     * @param allowLoopback whether loopback addresses are allowed
     * @param setting the property that allows loopback, named in the reason
     * @throws UnknownHostException when the host does not resolve
     */
    public static String refused(URI target, boolean allowLoopback, String setting) throws UnknownHostException {
        String host = target.getHost();
        if (host == null) {
            return "the URL has no host";
        }
        for (InetAddress a : InetAddress.getAllByName(host)) {
            if (a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
                return "refused target address " + a.getHostAddress() + " (link-local, any or multicast)";
            }
            if (a.isLoopbackAddress() && !allowLoopback) {
                return "refused loopback target " + a.getHostAddress() + " (set " + setting + " to allow)";
            }
        }
        return null;
    }
}
