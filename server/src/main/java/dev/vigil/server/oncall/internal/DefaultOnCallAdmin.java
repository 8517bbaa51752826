package dev.vigil.server.oncall.internal;

import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.EscalationStep;
import dev.vigil.server.oncall.Leave;
import dev.vigil.server.oncall.NotificationRule;
import dev.vigil.server.oncall.OnCallAdmin;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.Person;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.ScheduleOverride;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.security.AccessControl;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** {@link OnCallAdmin} on the store; references (people, schedules, teams, channels) are checked before saving. */
@Service
class DefaultOnCallAdmin implements OnCallAdmin {
    private final OnCallStore store;
    private final PageRepository pages;
    private final ChannelService channels;
    private final AccessControl access;

    DefaultOnCallAdmin(OnCallStore store, PageRepository pages, ChannelService channels, AccessControl access) {
        this.access = access;
        this.store = store;
        this.pages = pages;
        this.channels = channels;
    }

    @Override
    public List<Person> people() {
        return store.people();
    }

    @Override
    public Optional<Person> person(UUID userId) {
        return userId == null ? Optional.empty() : store.person(userId);
    }

    @Override
    public List<OnCallTeam> teams() {
        return store.teams();
    }

    @Override
    public Optional<OnCallTeam> team(UUID id) {
        return id == null ? Optional.empty() : store.team(id);
    }

    @Override
    public List<Schedule> schedules() {
        return store.schedules();
    }

    @Override
    public Optional<Schedule> schedule(UUID id) {
        return store.schedule(id);
    }

    @Override
    public Schedule saveSchedule(UUID id, Schedule s) {
        if (id != null && store.schedule(id).isEmpty()) {
            throw new java.util.NoSuchElementException("no schedule " + id);
        }
        if (s.teamId() != null && store.team(s.teamId()).isEmpty()) {
            throw new IllegalArgumentException("unknown team " + s.teamId());
        }
        if (s.fallbackUserId() != null && store.person(s.fallbackUserId()).isEmpty()) {
            throw new IllegalArgumentException("unknown fallback person " + s.fallbackUserId());
        }
        for (int i = 0; i < s.layers().size(); i++) {
            for (UUID u : s.layers().get(i).participants()) {
                if (store.person(u).isEmpty()) {
                    throw new IllegalArgumentException("layer " + (i + 1) + ": unknown participant " + u);
                }
            }
        }
        return store.saveSchedule(id, s);
    }

    @Override
    public List<ScheduleOverride> overrides(UUID scheduleId, Instant from, Instant to) {
        return store.overrides(scheduleId, from, to);
    }

    @Override
    public dev.vigil.server.platform.api.Page<ScheduleOverride> overrides(
            UUID scheduleId, Instant from, Instant to, PageQuery page) {
        store.schedule(scheduleId).orElseThrow(() -> new java.util.NoSuchElementException("no schedule " + scheduleId));
        return store.overrides(scheduleId, from, to, page);
    }

    @Override
    public ScheduleOverride addOverride(ScheduleOverride o) {
        store.schedule(o.scheduleId())
                .orElseThrow(() -> new java.util.NoSuchElementException("no schedule " + o.scheduleId()));
        return store.addOverride(o);
    }

    @Override
    public boolean deleteOverride(UUID scheduleId, UUID overrideId) {
        return store.deleteOverride(scheduleId, overrideId);
    }

    @Override
    public List<Leave> leave(UUID userId, Instant from, Instant to) {
        return store.leave(userId, from, to);
    }

    @Override
    public dev.vigil.server.platform.api.Page<Leave> leave(UUID userId, Instant from, Instant to, PageQuery page) {
        store.person(userId).orElseThrow(() -> new java.util.NoSuchElementException("no person " + userId));
        return store.leave(userId, from, to, page);
    }

    /** What {@link #mayManageLeave} refuses, for the 403's message. */
    static final String OTHERS_LEAVE = "another person's leave";

    @Override
    public boolean mayManageLeave(UUID userId) {
        return access.allowed(Permission.ONCALL_WRITE) && access.selfOr(userId, Permission.USERS_WRITE);
    }

    private void requireMayManageLeave(UUID userId) {
        access.require(Permission.ONCALL_WRITE);
        access.requireSelfOr(userId, Permission.USERS_WRITE, OTHERS_LEAVE);
    }

    @Override
    public Leave addLeave(UUID userId, Instant start, Instant end, String reason) {
        store.person(userId).orElseThrow(() -> new java.util.NoSuchElementException("no person " + userId));
        requireMayManageLeave(userId);
        if (start == null || end == null || !end.isAfter(start)) {
            throw new IllegalArgumentException("leave needs a start and an end after it");
        }
        return store.addLeave(userId, start, end, reason);
    }

    @Override
    public boolean deleteLeave(UUID userId, UUID leaveId) {
        requireMayManageLeave(userId);
        return store.deleteLeave(userId, leaveId);
    }

    @Override
    public List<EscalationPolicy> policies() {
        return store.policies();
    }

    @Override
    public Optional<EscalationPolicy> policy(UUID id) {
        return store.policy(id);
    }

    @Override
    public EscalationPolicy savePolicy(UUID id, EscalationPolicy p) {
        if (id != null && store.policy(id).isEmpty()) {
            throw new java.util.NoSuchElementException("no policy " + id);
        }
        EscalationPolicy normal = PolicyValidation.normalise(p);
        if (normal.teamId() != null && store.team(normal.teamId()).isEmpty()) {
            throw new IllegalArgumentException("unknown team " + normal.teamId());
        }
        for (int i = 0; i < normal.steps().size(); i++) {
            EscalationStep s = normal.steps().get(i);
            String at = "step " + (i + 1) + ": ";
            for (EscalationStep.Target t : s.targets()) {
                boolean known = switch (t.type()) {
                    case USER -> store.person(t.id()).isPresent();
                    case SCHEDULE -> store.schedule(t.id()).isPresent();
                    case TEAM -> store.team(t.id()).isPresent();
                };
                if (!known) {
                    throw new IllegalArgumentException(
                            at + "unknown " + t.type().id() + " " + t.id());
                }
            }
            if (s.channelId() != null && channels.get(s.channelId()).isEmpty()) {
                throw new IllegalArgumentException(at + "unknown channel " + s.channelId());
            }
        }
        return store.savePolicy(id, normal);
    }

    @Override
    public List<NotificationRule> rules(UUID userId, boolean important) {
        return store.rules(userId, important);
    }

    @Override
    public void saveRules(UUID userId, boolean important, List<NotificationRule> rules) {
        store.person(userId).orElseThrow(() -> new java.util.NoSuchElementException("no person " + userId));
        for (NotificationRule r : rules) {
            var c = channels.get(r.channelId())
                    .orElseThrow(() -> new IllegalArgumentException("unknown channel " + r.channelId()));
            if (c.userId() != null && !c.userId().equals(userId)) {
                throw new IllegalArgumentException("channel '" + c.name() + "' belongs to someone else");
            }
        }
        store.saveRules(userId, important, rules);
    }

    @Override
    public List<Page> searchPages(PageFilter filter) {
        return pages.search(filter);
    }
}
