-- Issue 8: on-call (schedules, escalation policies, pages) and notifications (channels, deliveries).

-- db-scheduler's table (durable timers: escalation steps, deliveries, out-of-band checks). The schema of
-- db-scheduler 16 for PostgreSQL; "if not exists" because other modules' migrations create the same table.
create table if not exists scheduled_tasks
(
    task_name            text                     not null,
    task_instance        text                     not null,
    task_data            bytea,
    execution_time       timestamp with time zone not null,
    picked               boolean                  not null,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   not null,
    priority             smallint,
    primary key (task_name, task_instance)
);
create index if not exists execution_time_idx on scheduled_tasks (execution_time);
create index if not exists last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index if not exists priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);

-- The on-call profile of a person. user_id is the platform user's id (issue 6); until the users table exists the
-- profile carries the display name and e-mail itself. One row per user who can be on call.
create table oncall_people
(
    user_id      uuid        not null primary key,
    name         text        not null,
    email        text,
    time_zone    text        not null default 'UTC',
    created_at   timestamptz not null,
    updated_at   timestamptz not null
);

-- Holiday calendars: named sets of dates (e.g. public holidays of a country), used by schedule layers and teams'
-- business hours.
create table oncall_holiday_calendars
(
    id         uuid        not null primary key,
    name       text        not null unique,
    holidays   jsonb       not null default '[]', -- [{"date":"2026-12-25","name":"Christmas"}]
    created_at timestamptz not null,
    updated_at timestamptz not null
);

-- On-call settings of a team (team_id = the platform team's id): members, business hours, holidays, fallback.
create table oncall_teams
(
    id                  uuid        not null primary key,
    name                text        not null unique,
    members             uuid[]      not null default '{}',
    time_zone           text        not null default 'UTC',
    business_hours      jsonb       not null default '[]', -- [{"days":["MONDAY",...],"from":"09:00","to":"17:00"}]
    holiday_calendar_id uuid references oncall_holiday_calendars (id) on delete set null,
    fallback_user_id    uuid,
    fallback_channel_id uuid,
    created_at          timestamptz not null,
    updated_at          timestamptz not null
);

-- Schedules: layers (rotations) as a validated JSON document; overrides, swaps and leave as rows.
create table oncall_schedules
(
    id               uuid        not null primary key,
    name             text        not null unique,
    description      text,
    time_zone        text        not null,
    team_id          uuid references oncall_teams (id) on delete set null,
    fallback_user_id uuid,
    layers           jsonb       not null default '[]',
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);

create table oncall_overrides
(
    id          uuid        not null primary key,
    schedule_id uuid        not null references oncall_schedules (id) on delete cascade,
    kind        text        not null check (kind in ('override', 'swap')),
    user_id     uuid        not null,  -- who is on call instead
    replaces    uuid,                  -- swaps: whose shifts are taken
    starts_at   timestamptz not null,
    ends_at     timestamptz not null check (ends_at > starts_at),
    reason      text,
    created_at  timestamptz not null,
    created_by  text
);
create index oncall_overrides_schedule_idx on oncall_overrides (schedule_id, starts_at, ends_at);

create table oncall_leave
(
    id         uuid        not null primary key,
    user_id    uuid        not null,
    starts_at  timestamptz not null,
    ends_at    timestamptz not null check (ends_at > starts_at),
    reason     text,
    created_at timestamptz not null
);
create index oncall_leave_user_idx on oncall_leave (user_id, starts_at, ends_at);

-- Escalation policies: ordered steps as a validated JSON document.
create table oncall_policies
(
    id                   uuid        not null primary key,
    name                 text        not null unique,
    description          text,
    team_id              uuid references oncall_teams (id) on delete set null,
    repeat_count         int         not null default 0 check (repeat_count between 0 and 20),
    ack_timeout_minutes  int         not null default 20 check (ack_timeout_minutes between 1 and 10080),
    reminder_minutes     int check (reminder_minutes between 1 and 10080),
    reack_after_minutes  int check (reack_after_minutes between 1 and 10080),
    steps                jsonb       not null default '[]',
    created_at           timestamptz not null,
    updated_at           timestamptz not null
);

-- Round-robin position per policy step.
create table oncall_round_robin
(
    policy_id  uuid not null,
    step_index int  not null,
    next       int  not null default 0,
    primary key (policy_id, step_index)
);

-- Per-user notification rules: two sets (default, important), each an ordered list of channel + delay.
create table oncall_notification_rules
(
    user_id       uuid    not null,
    important     boolean not null,
    position      int     not null,
    channel_id    uuid    not null,
    delay_minutes int     not null check (delay_minutes between 0 and 1440),
    primary key (user_id, important, position)
);

-- Pages: one escalation run for one subject (an alert, an incident). The policy is snapshotted at the start.
create table oncall_pages
(
    id               uuid        not null primary key,
    subject_type     text        not null,
    subject_id       text        not null,
    title            text        not null,
    summary          text,
    severity         text        not null,
    links            jsonb       not null default '[]',
    policy_id        uuid,
    policy           jsonb       not null, -- the snapshot
    status           text        not null check (status in ('triggered', 'acknowledged', 'resolved')),
    round            int         not null default 0,
    step             int         not null default 0,
    next_action_at   timestamptz,          -- when the escalation (or reminder/ack timeout) acts next
    exhausted        boolean     not null default false,
    epoch            int         not null default 0, -- +1 each time escalation restarts (un-acknowledge)
    created_at       timestamptz not null,
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    acknowledged_by_user uuid,
    resolved_at      timestamptz,
    resolved_by      text
);
-- One open page per subject: a redelivered trigger (e.g. an event republished after a crash) finds it.
create unique index oncall_pages_open_subject_idx on oncall_pages (subject_type, subject_id) where status <> 'resolved';
create index oncall_pages_due_idx on oncall_pages (next_action_at) where status <> 'resolved';
create index oncall_pages_created_idx on oncall_pages (created_at desc);

-- The page's history: steps run, who was notified, acknowledgements, resolution.
create table oncall_page_log
(
    id       bigserial   not null primary key,
    page_id  uuid        not null references oncall_pages (id) on delete cascade,
    at       timestamptz not null,
    kind     text        not null,
    actor    text,
    detail   jsonb       not null default '{}',
    step_key text,                       -- (round, step, what) for steps: unique, so a step runs once
    unique (page_id, step_key)
);
create index oncall_page_log_page_idx on oncall_page_log (page_id, id);

-- Single-use, expiring action links (acknowledge/resolve from an e-mail without signing in).
create table oncall_action_links
(
    id         uuid        not null primary key,
    page_id    uuid        not null references oncall_pages (id) on delete cascade,
    action     text        not null check (action in ('acknowledge', 'resolve')),
    user_id    uuid,
    expires_at timestamptz not null,
    used_at    timestamptz,
    used_from  text
);

-- Secrets this module generates once per installation (shared by every instance on the database).
create table oncall_secrets
(
    name  text  not null primary key,
    value bytea not null
);

-- Out-of-band check results (SAMM IM3-B): failures are warnings until a later check of the same target succeeds.
create table oncall_check_results
(
    id          uuid        not null primary key,
    run_id      uuid        not null,
    channel_id  uuid        not null,
    user_id     uuid,
    delivery_id uuid,
    status      text        not null check (status in ('pending', 'ok', 'failed')),
    detail      text,
    created_at  timestamptz not null,
    finished_at timestamptz
);
create index oncall_check_results_channel_idx on oncall_check_results (channel_id, created_at desc);

-- Notification channels: a person's contact points (user_id set) and shared ones (a team's Slack channel).
create table notify_channels
(
    id           uuid        not null primary key,
    user_id      uuid,
    name         text        not null,
    type         text        not null,
    address      text        not null, -- e-mail address or URL
    secret       text,                 -- HMAC key of signed webhooks; never returned by the API
    enabled      boolean     not null default true,
    created_at   timestamptz not null,
    updated_at   timestamptz not null
);
create index notify_channels_user_idx on notify_channels (user_id);

-- Deliveries: one notification to one channel. dedup_key makes enqueueing idempotent (the same escalation step
-- never produces a second delivery); a row is sent at most once per attempt under a row lock.
create table notify_deliveries
(
    id             uuid        not null primary key,
    dedup_key      text        not null unique,
    correlation    text        not null,       -- e.g. page:<id>, check:<run>
    chain_group    text,                        -- deliveries of one notification-rule set
    chain_position int         not null default 0,
    channel_id     uuid        not null,
    channel_type   text        not null,
    recipient      uuid,
    kind           text        not null,
    message        jsonb       not null,
    status         text        not null check (status in ('pending', 'sent', 'failed', 'cancelled')),
    attempts       int         not null default 0,
    not_before     timestamptz not null,
    next_attempt_at timestamptz not null,
    created_at     timestamptz not null,
    finished_at    timestamptz,
    last_error     text
);
create index notify_deliveries_correlation_idx on notify_deliveries (correlation, created_at);
create index notify_deliveries_pending_idx on notify_deliveries (next_attempt_at) where status = 'pending';
create index notify_deliveries_group_idx on notify_deliveries (chain_group, chain_position);

create table notify_attempts
(
    id          bigserial   not null primary key,
    delivery_id uuid        not null references notify_deliveries (id) on delete cascade,
    attempt     int         not null,
    at          timestamptz not null,
    outcome     text        not null check (outcome in ('delivered', 'transient', 'permanent')),
    detail      text,
    duration_ms bigint      not null,
    unique (delivery_id, attempt)
);
