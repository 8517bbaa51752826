package dev.vigil.server.security.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.jdbc.SqlFilter;
import dev.vigil.server.security.ApiPrincipal;
import dev.vigil.server.security.Team;
import dev.vigil.server.security.User;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Users and teams in tables {@code users}, {@code teams}, {@code team_members}; every change audited. */
@Service
class JdbcUserService implements UserService {
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");
    private static final Pattern TEAM = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,63}");

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AuditLog audit;
    private final PasswordEncoder encoder;
    private final Cache<UUID, Set<Permission>> permissions = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(5))
            .build();

    private final SecurityProperties.SignIn limits;

    JdbcUserService(
            JdbcClient jdbc,
            TransactionTemplate tx,
            Clock clock,
            AuditLog audit,
            PasswordEncoder encoder,
            SecurityProperties properties) {
        this.limits = properties.signIn();
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
        this.encoder = encoder;
    }

    static String normalizeUsername(String username) {
        if (username == null) {
            throw new IllegalArgumentException("username is required");
        }
        String u = username.strip().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(u).matches()) {
            throw new IllegalArgumentException(
                    "a user name is 1-64 characters of a-z 0-9 . _ @ - starting with a letter or digit");
        }
        return u;
    }

    static Set<Role> roles(Set<String> names) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        if (names != null) {
            for (String n : names) {
                roles.add(Role.parse(n));
            }
        }
        return roles;
    }

    @Override
    public User create(UserRequest r) {
        String username = normalizeUsername(r.username());
        limited(r.displayName(), "displayName", 200);
        limited(r.email(), "email", 200);
        Set<Role> roles = roles(r.roles());
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a user needs at least one role");
        }
        String hash = null;
        if (r.password() != null) {
            Passwords.check(r.password(), username);
            hash = encoder.encode(r.password());
        }
        String passwordHash = hash;
        return tx.execute(s -> {
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            try {
                jdbc.sql("""
                                insert into users (id, username, display_name, email, password_hash, roles, enabled,
                                  created_at, updated_at, password_changed_at)
                                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                        .params(
                                id,
                                username,
                                displayName(r.displayName(), username),
                                blank(r.email()),
                                passwordHash,
                                roleArray(roles),
                                r.enabled() == null || r.enabled(),
                                Timestamp.from(now),
                                Timestamp.from(now),
                                passwordHash == null ? null : Timestamp.from(now))
                        .update();
            } catch (DuplicateKeyException e) {
                throw new IllegalStateException("a user named '" + username + "' exists");
            }
            User user = require(id);
            audit.record("created", "user", id.toString(), null, user);
            return user;
        });
    }

    /** Creates a user provisioned by single sign-on (no local password). */
    User provision(String username, String displayName, String email, Set<Role> roles, String issuer, String subject) {
        return tx.execute(s -> {
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            String name = username;
            if (jdbc.sql("select count(*) from users where username = ?")
                            .param(name)
                            .query(Long.class)
                            .single()
                    > 0) {
                name = (username + "-" + id.toString().substring(0, 6));
            }
            jdbc.sql("""
                            insert into users (id, username, display_name, email, roles, enabled, oidc_issuer,
                              oidc_subject, created_at, updated_at)
                            values (?, ?, ?, ?, ?, true, ?, ?, ?, ?)""")
                    .params(
                            id,
                            name,
                            displayName(displayName, name),
                            blank(email),
                            roleArray(roles),
                            issuer,
                            subject,
                            Timestamp.from(now),
                            Timestamp.from(now))
                    .update();
            User user = require(id);
            audit.record("created", "user", id.toString(), null, user);
            return user;
        });
    }

    Optional<UUID> findBySso(String issuer, String subject) {
        return jdbc.sql("select id from users where oidc_issuer = ? and oidc_subject = ?")
                .params(issuer, subject)
                .query(UUID.class)
                .optional();
    }

    /** Sets the roles of a single sign-on user from the provider's claims (audited when they change). */
    User syncSsoRoles(UUID id, Set<Role> roles, String displayName, String email) {
        return tx.execute(s -> {
            User before = require(id);
            if (before.roles().equals(roles)
                    && before.displayName().equals(displayName(displayName, before.username()))
                    && java.util.Objects.equals(before.email(), blank(email))) {
                return before;
            }
            jdbc.sql("update users set roles = ?, display_name = ?, email = ?, updated_at = ? where id = ?")
                    .params(
                            roleArray(roles),
                            displayName(displayName, before.username()),
                            blank(email),
                            Timestamp.from(clock.instant()),
                            id)
                    .update();
            permissions.invalidate(id);
            User after = require(id);
            audit.record("updated", "user", id.toString(), before, after);
            return after;
        });
    }

    @Override
    public User update(UUID id, UserRequest r) {
        Set<Role> roles = r.roles() == null ? null : roles(r.roles());
        if (roles != null && roles.isEmpty()) {
            throw new IllegalArgumentException("a user needs at least one role");
        }
        User current = find(id).orElseThrow(() -> notFound(id));
        limited(r.displayName(), "displayName", 200);
        limited(r.email(), "email", 200);
        String hash = null;
        if (r.password() != null) {
            Passwords.check(r.password(), current.username());
            hash = encoder.encode(r.password());
        }
        if (r.username() != null && !normalizeUsername(r.username()).equals(current.username())) {
            throw new IllegalArgumentException("a user cannot be renamed");
        }
        String passwordHash = hash;
        User updated = tx.execute(s -> {
            User before = require(id);
            Instant now = clock.instant();
            jdbc.sql("""
                            update users set display_name = ?, email = ?, roles = ?, enabled = ?, updated_at = ?,
                              password_hash = coalesce(?, password_hash),
                              password_changed_at = case when ? then ? else password_changed_at end
                            where id = ?""")
                    .params(
                            r.displayName() == null
                                    ? before.displayName()
                                    : displayName(r.displayName(), before.username()),
                            r.email() == null ? before.email() : blank(r.email()),
                            roleArray(roles == null ? before.roles() : roles),
                            r.enabled() == null ? before.enabled() : r.enabled(),
                            Timestamp.from(now),
                            passwordHash,
                            passwordHash != null,
                            Timestamp.from(now),
                            id)
                    .update();
            requireAnAdminRemains();
            User after = require(id);
            audit.record(
                    passwordHash != null && before.equals(withTimes(after, before)) ? "password_reset" : "updated",
                    "user",
                    id.toString(),
                    before,
                    after);
            return after;
        });
        permissions.invalidate(id);
        return updated;
    }

    private static User withTimes(User u, User times) {
        return new User(
                u.id(),
                u.username(),
                u.displayName(),
                u.email(),
                u.roles(),
                u.enabled(),
                u.localPassword(),
                u.sso(),
                u.lockedUntil(),
                u.teams(),
                u.createdAt(),
                times.updatedAt(),
                u.lastSignInAt());
    }

    /** Refuses a change that leaves no enabled administrator (nobody could manage users any more). */
    private void requireAnAdminRemains() {
        long admins = jdbc.sql("select count(*) from users where enabled and 'admin' = any(roles)")
                .query(Long.class)
                .single();
        if (admins == 0) {
            throw new IllegalStateException("this would leave no enabled user with the admin role");
        }
    }

    @Override
    public void changePassword(UUID id, String currentPassword, String newPassword) {
        // The password is the user's full credential: an API token (possibly limited to fewer roles) does not hold it
        // and must neither change it nor serve as an unthrottled oracle for guessing it.
        if (ApiPrincipal.current().isPresent()) {
            throw new AccessDeniedException("sign in to change your password: an API token cannot change it");
        }
        Credentials c = jdbc.sql("select id, username, display_name, password_hash, enabled, locked_until from users"
                        + " where id = ?")
                .param(id)
                .query(JdbcUserService::credentialsRow)
                .optional()
                .orElseThrow(() -> notFound(id));
        Instant checkedAt = clock.instant();
        if (c.lockedUntil() != null && c.lockedUntil().isAfter(checkedAt)) {
            throw new IllegalStateException("the account is locked after too many wrong passwords until "
                    + c.lockedUntil() + "; an administrator can unlock it");
        }
        String hash = c.passwordHash();
        if (hash == null || currentPassword == null || !encoder.matches(currentPassword, hash)) {
            // Counts like a failed sign-in (the same lockout), and is audited like one.
            tx.executeWithoutResult(s -> {
                boolean locked = signInFailed(id, limits.maxFailures(), limits.lockDuration());
                audit.record(
                        "password_change_failed",
                        "user",
                        id.toString(),
                        null,
                        Map.of("reason", hash == null ? "no local password" : "wrong current password"));
                if (locked) {
                    audit.record(
                            Actor.SYSTEM,
                            "locked",
                            "user",
                            id.toString(),
                            null,
                            Map.of(
                                    "until",
                                    checkedAt.plus(limits.lockDuration()).toString(),
                                    "after",
                                    limits.maxFailures() + " wrong passwords"));
                }
            });
            throw new IllegalArgumentException("the current password is wrong");
        }
        User user = require(id);
        Passwords.check(newPassword, user.username());
        String newHash = encoder.encode(newPassword);
        tx.executeWithoutResult(s -> {
            Instant now = clock.instant();
            jdbc.sql("update users set password_hash = ?, password_changed_at = ?, updated_at = ? where id = ?")
                    .params(newHash, Timestamp.from(now), Timestamp.from(now), id)
                    .update();
            audit.record("password_changed", "user", id.toString(), null, null);
        });
    }

    @Override
    public User unlock(UUID id) {
        return tx.execute(s -> {
            User before = require(id);
            jdbc.sql("update users set locked_until = null, failed_sign_ins = 0 where id = ?")
                    .param(id)
                    .update();
            User after = require(id);
            audit.record("unlocked", "user", id.toString(), before, after);
            return after;
        });
    }

    @Override
    public boolean delete(UUID id) {
        Boolean deleted = tx.execute(s -> {
            Optional<User> before = find(id);
            if (before.isEmpty()) {
                return false;
            }
            jdbc.sql("delete from users where id = ?").param(id).update();
            requireAnAdminRemains();
            audit.record("deleted", "user", id.toString(), before.get(), null);
            return true;
        });
        permissions.invalidate(id);
        return Boolean.TRUE.equals(deleted);
    }

    @Override
    public Optional<User> find(UUID id) {
        return jdbc.sql(SELECT + " where u.id = ?").param(id).query(this::user).optional();
    }

    @Override
    public Optional<User> findByUsername(String username) {
        if (username == null) {
            return Optional.empty();
        }
        return jdbc.sql(SELECT + " where u.username = ?")
                .param(username.strip().toLowerCase(Locale.ROOT))
                .query(this::user)
                .optional();
    }

    /** Password hash and lock state for sign-in. */
    record Credentials(
            UUID id, String username, String displayName, String passwordHash, boolean enabled, Instant lockedUntil) {}

    private static Credentials credentialsRow(ResultSet rs, int row) throws SQLException {
        return new Credentials(
                rs.getObject("id", UUID.class),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("password_hash"),
                rs.getBoolean("enabled"),
                instant(rs, "locked_until"));
    }

    Optional<Credentials> credentials(String username) {
        return jdbc.sql("""
                        select id, username, display_name, password_hash, enabled, locked_until from users
                        where username = ?""")
                .param(username)
                .query(JdbcUserService::credentialsRow)
                .optional();
    }

    /** Counts a failed sign-in; returns true when this failure locked the account. */
    boolean signInFailed(UUID id, int maxFailures, Duration lockFor) {
        Instant now = clock.instant();
        Integer failures = jdbc.sql(
                        "update users set failed_sign_ins = failed_sign_ins + 1 where id = ? returning failed_sign_ins")
                .param(id)
                .query(Integer.class)
                .single();
        if (failures >= maxFailures) {
            jdbc.sql("update users set locked_until = ?, failed_sign_ins = 0 where id = ?")
                    .params(Timestamp.from(now.plus(lockFor)), id)
                    .update();
            return true;
        }
        return false;
    }

    void signedIn(UUID id) {
        jdbc.sql("update users set failed_sign_ins = 0, last_sign_in_at = ? where id = ?")
                .params(Timestamp.from(clock.instant()), id)
                .update();
    }

    long count() {
        return jdbc.sql("select count(*) from users").query(Long.class).single();
    }

    @Override
    public Page<User> list(String q, PageQuery page) {
        SqlFilter where = new SqlFilter();
        if (q != null && !q.isBlank()) {
            where.and(
                    "strpos(lower(u.username || ' ' || u.display_name || ' ' || coalesce(u.email, '')), ?) > 0",
                    q.strip().toLowerCase(Locale.ROOT));
        }
        long total = where.count(jdbc, "users u");
        String order = SqlFilter.orderBy(page, SORTS, "", " desc");
        List<User> items = where.list(
                jdbc, SELECT, order.isEmpty() ? " order by u.username" : order, page.size(), page.offset(), this::user);
        return Page.of(items, page, total);
    }

    @Override
    public Set<Permission> permissions(UUID userId) {
        return permissions.get(
                userId,
                id -> jdbc.sql("select roles, enabled from users where id = ?")
                        .param(id)
                        .query((rs, i) -> rs.getBoolean("enabled")
                                ? Role.permissionsOf(rolesOf(rs.getArray("roles")))
                                : Set.<Permission>of())
                        .optional()
                        .orElse(Set.of()));
    }

    boolean active(UUID userId) {
        return !permissions(userId).isEmpty();
    }

    // ---- teams

    @Override
    public List<Team> teams() {
        List<UUID> ids =
                jdbc.sql("select id from teams order by name").query(UUID.class).list();
        return ids.stream().map(id -> team(id).orElseThrow()).toList();
    }

    @Override
    public Optional<Team> team(UUID id) {
        return jdbc.sql("select * from teams where id = ?")
                .param(id)
                .query((rs, i) -> new Team(
                        id, rs.getString("name"), rs.getString("description"), members(id), instant(rs, "created_at")))
                .optional();
    }

    private List<Team.Member> members(UUID teamId) {
        return jdbc.sql("""
                        select u.id, u.username, u.display_name from team_members m join users u on u.id = m.user_id
                        where m.team_id = ? order by u.username""")
                .param(teamId)
                .query((rs, i) -> new Team.Member(
                        rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("display_name")))
                .list();
    }

    private static String teamName(String name) {
        if (name == null || !TEAM.matcher(name.strip()).matches()) {
            throw new IllegalArgumentException("a team name is 1-64 letters, digits, spaces, . _ or -");
        }
        return name.strip();
    }

    @Override
    public Team createTeam(String name, String description) {
        String n = teamName(name);
        limited(description, "description", 200);
        return tx.execute(s -> {
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            try {
                jdbc.sql("insert into teams (id, name, description, created_at, updated_at) values (?, ?, ?, ?, ?)")
                        .params(id, n, blank(description), Timestamp.from(now), Timestamp.from(now))
                        .update();
            } catch (DuplicateKeyException e) {
                throw new IllegalStateException("a team named '" + n + "' exists");
            }
            Team t = team(id).orElseThrow();
            audit.record("created", "team", id.toString(), null, t);
            return t;
        });
    }

    @Override
    public Team updateTeam(UUID id, String name, String description) {
        limited(description, "description", 200);
        return tx.execute(s -> {
            Team before = team(id).orElseThrow(() -> new NoSuchElementException("no team " + id));
            try {
                jdbc.sql("update teams set name = ?, description = ?, updated_at = ? where id = ?")
                        .params(
                                name == null ? before.name() : teamName(name),
                                description == null ? before.description() : blank(description),
                                Timestamp.from(clock.instant()),
                                id)
                        .update();
            } catch (DuplicateKeyException e) {
                throw new IllegalStateException("a team named '" + name + "' exists");
            }
            Team after = team(id).orElseThrow();
            audit.record("updated", "team", id.toString(), before, after);
            return after;
        });
    }

    @Override
    public boolean deleteTeam(UUID id) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            Optional<Team> before = team(id);
            if (before.isEmpty()) {
                return false;
            }
            jdbc.sql("delete from teams where id = ?").param(id).update();
            audit.record("deleted", "team", id.toString(), before.get(), null);
            return true;
        }));
    }

    @Override
    public Team addMember(UUID teamId, UUID userId) {
        return tx.execute(s -> {
            Team before = team(teamId).orElseThrow(() -> new NoSuchElementException("no team " + teamId));
            require(userId);
            jdbc.sql("insert into team_members (team_id, user_id) values (?, ?) on conflict do nothing")
                    .params(teamId, userId)
                    .update();
            Team after = team(teamId).orElseThrow();
            audit.record("member_added", "team", teamId.toString(), before, after);
            return after;
        });
    }

    @Override
    public Team removeMember(UUID teamId, UUID userId) {
        return tx.execute(s -> {
            Team before = team(teamId).orElseThrow(() -> new NoSuchElementException("no team " + teamId));
            jdbc.sql("delete from team_members where team_id = ? and user_id = ?")
                    .params(teamId, userId)
                    .update();
            Team after = team(teamId).orElseThrow();
            audit.record("member_removed", "team", teamId.toString(), before, after);
            return after;
        });
    }

    // ---- mapping

    private static final Map<String, String> SORTS =
            Map.of("username", "u.username", "createdAt", "u.created_at", "lastSignInAt", "u.last_sign_in_at");

    private static final String SELECT = """
            select u.*, coalesce((select array_agg(t.name order by t.name) from team_members m
              join teams t on t.id = m.team_id where m.user_id = u.id), '{}') as team_names
            from users u""";

    private User user(ResultSet rs, int row) throws SQLException {
        return new User(
                rs.getObject("id", UUID.class),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("email"),
                rolesOf(rs.getArray("roles")),
                rs.getBoolean("enabled"),
                rs.getString("password_hash") != null,
                rs.getString("oidc_issuer"),
                instant(rs, "locked_until"),
                strings(rs.getArray("team_names")),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "last_sign_in_at"));
    }

    private User require(UUID id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    private static NoSuchElementException notFound(UUID id) {
        return new NoSuchElementException("no user " + id);
    }

    static Set<Role> rolesOf(Array array) throws SQLException {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (String s : strings(array)) {
            roles.add(Role.parse(s));
        }
        return roles;
    }

    static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Arrays.asList((String[]) array.getArray());
    }

    static String[] roleArray(Set<Role> roles) {
        return roles.stream().map(Role::id).sorted().toArray(String[]::new);
    }

    /** The forms' {@code maxlength}, enforced for API callers too. */
    private static void limited(String value, String field, int max) {
        if (value != null && value.strip().length() > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters");
        }
    }

    private static String displayName(String displayName, String username) {
        return displayName == null || displayName.isBlank() ? username : displayName.strip();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
