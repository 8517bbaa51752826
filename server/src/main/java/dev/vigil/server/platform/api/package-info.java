/**
 * REST conventions shared by every module: one paging/sorting request model ({@link
 * dev.vigil.server.platform.api.PageQuery}, bound from {@code ?page=&size=&sort=field,desc} and declared with {@link
 * dev.vigil.server.platform.api.Paging}), one response envelope ({@link dev.vigil.server.platform.api.Page}), and
 * RFC 9457 problem details for every error (see {@code docs/development.md}).
 */
@org.springframework.modulith.NamedInterface("api")
package dev.vigil.server.platform.api;
