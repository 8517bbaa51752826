package dev.vigil.server.security;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Users and teams. Every change is audited. Passwords are hashed with Argon2 (Spring Security's delegating encoder,
 * so the algorithm is recorded with each hash) and must be 12 to 256 characters.
 */
public interface UserService {

    User create(UserRequest request);

    /** Changes display name, e-mail, roles, enabled (null fields unchanged) and, if given, the password. */
    User update(UUID id, UserRequest request);

    /**
     * Changes one's own password after checking the current one. Only in a signed-in session: an API token is
     * refused ({@link org.springframework.security.access.AccessDeniedException}). A wrong current password counts
     * towards the sign-in lockout and is audited ({@code password_change_failed}); a locked account is refused
     * ({@link IllegalStateException}).
     */
    void changePassword(UUID id, String currentPassword, String newPassword);

    /** Lifts a lock after failed sign-ins. */
    User unlock(UUID id);

    boolean delete(UUID id);

    Optional<User> find(UUID id);

    Optional<User> findByUsername(String username);

    /** Users whose name, display name or e-mail contains {@code q} (null: all); sortable by username, createdAt. */
    Page<User> list(String q, PageQuery page);

    /** What the user may do now (empty when disabled or unknown). Cached for a few seconds; changes clear it. */
    Set<Permission> permissions(UUID userId);

    List<Team> teams();

    Optional<Team> team(UUID id);

    Team createTeam(String name, String description);

    Team updateTeam(UUID id, String name, String description);

    boolean deleteTeam(UUID id);

    Team addMember(UUID teamId, UUID userId);

    Team removeMember(UUID teamId, UUID userId);
}
