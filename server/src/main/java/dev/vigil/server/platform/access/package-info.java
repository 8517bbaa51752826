/**
 * Access model shared by every module: {@link dev.vigil.server.platform.access.Role roles},
 * {@link dev.vigil.server.platform.access.Permission permissions} and the
 * {@link dev.vigil.server.platform.access.RequirePermission} declaration every route carries. The security module
 * enforces it (deny by default: a route without a declaration is refused to everyone, and the route-walking test
 * fails).
 */
@org.springframework.modulith.NamedInterface("access")
package dev.vigil.server.platform.access;
