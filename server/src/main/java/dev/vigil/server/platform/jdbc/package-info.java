/**
 * JDBC conventions shared by every module's repositories: a search's optional filters as one parameterised
 * {@code where} clause with its count and page ({@link dev.vigil.server.platform.jdbc.SqlFilter}), and a {@link
 * dev.vigil.server.platform.api.PageQuery}'s sort keys as an {@code order by} over allowed columns only.
 */
@org.springframework.modulith.NamedInterface("jdbc")
package dev.vigil.server.platform.jdbc;
