/**
 * Outbound calls to addresses users configure (webhook subscriptions, notification channels): {@link
 * dev.vigil.server.platform.net.OutboundTarget} says which targets may never be called.
 */
@org.springframework.modulith.NamedInterface("net")
package dev.vigil.server.platform.net;
