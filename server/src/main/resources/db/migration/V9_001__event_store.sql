-- Issue 9: the event store's tamper-evident chain, retention, integrity verifications and retro-hunts.

-- Partitions (one Lucene index per UTC receive day and retention) that have sealed events; retention marks them.
create table event_partitions
(
    name            text        not null primary key, -- 2025-06-01_r90
    day             date        not null,
    retention_days  integer     not null,
    first_sealed_at timestamptz not null,
    retired_at      timestamptz,                      -- removed by retention
    retired_reason  text
);

-- The chain: one row per sealed batch (the events of one partition with ids in [first_id, last_id]).
create table event_batches
(
    batch_no       bigint      not null primary key,
    partition      text        not null references event_partitions (name),
    first_id       bigint      not null,
    last_id        bigint      not null,
    event_count    integer     not null check (event_count > 0),
    first_received timestamptz not null,
    last_received  timestamptz not null,
    min_event_time timestamptz,
    max_event_time timestamptz,
    content_digest bytea       not null, -- SHA-256 over (id, SHA-256(canonical event)) in id order
    set_digest     bytea       not null, -- SHA-256 over the sorted event hashes
    prev_digest    bytea       not null,
    digest         bytea       not null, -- chain digest over this row and prev_digest
    sealed_at      timestamptz not null,
    retired_at     timestamptz           -- its partition was removed by retention; the digests stay
);
create index event_batches_partition_idx on event_batches (partition, first_id);
create index event_batches_received_idx on event_batches (last_received, first_received);

-- The chain's head (one row).
create table event_chain
(
    id             smallint    not null primary key check (id = 1),
    sealed_through bigint      not null, -- every event with an id up to this is sealed
    head_batch     bigint      not null,
    head_digest    bytea       not null,
    updated_at     timestamptz not null
);

-- Per-source retention set through the API (configuration gives the defaults).
create table event_retention
(
    source         text        not null primary key,
    retention_days integer     not null check (retention_days between 1 and 36500),
    updated_at     timestamptz not null,
    updated_by     text
);

-- Integrity verifications and what they found (governance keeps them as evidence).
create table event_verifications
(
    id              uuid        not null primary key,
    trigger         text        not null check (trigger in ('api', 'cli', 'schedule')),
    requested_by    text,
    range_from      timestamptz,
    range_to        timestamptz,
    started_at      timestamptz not null,
    finished_at     timestamptz,
    status          text        not null check (status in ('running', 'clean', 'tampered', 'failed')),
    batches_checked bigint      not null default 0,
    batches_retired bigint      not null default 0,
    events_checked  bigint      not null default 0,
    unsealed_events bigint      not null default 0, -- stored after the last seal, not covered
    first_batch     bigint,
    last_batch      bigint,
    head_batch      bigint,
    head_digest     bytea,
    problems        jsonb       not null default '[]',
    problem_count   integer     not null default 0,
    error           text
);
create index event_verifications_started_idx on event_verifications (started_at desc);

-- Retro-hunts: a rule (stored or uploaded) or the active rule set run over stored events.
create table hunt_jobs
(
    id             uuid        not null primary key,
    status         text        not null check (status in ('queued', 'running', 'done', 'cancelled', 'failed')),
    rules          jsonb       not null, -- what was run: {"active":true} | {"refs":[...]} | {"uploaded":"..."}
    query          text,
    time_field     text        not null,
    range_from     timestamptz,
    range_to       timestamptz,
    requested_by   text,
    created_at     timestamptz not null,
    started_at     timestamptz,
    finished_at    timestamptz,
    events_total   bigint      not null default 0,
    events_scanned bigint      not null default 0,
    matches        bigint      not null default 0,
    matches_kept   bigint      not null default 0,
    per_rule       jsonb       not null default '[]',
    refused        jsonb       not null default '[]',
    error          text
);
create index hunt_jobs_created_idx on hunt_jobs (created_at desc);

create table hunt_matches
(
    job_id         uuid        not null references hunt_jobs (id) on delete cascade,
    seq            bigint      not null,
    rule_ref       text        not null,
    rule_title     text        not null,
    level          text,
    event_id       bigint      not null,
    event_time     timestamptz,
    received_at    timestamptz not null,
    source         text        not null,
    matched_fields jsonb       not null default '{}',
    primary key (job_id, seq)
);
create index hunt_matches_rule_idx on hunt_matches (job_id, rule_ref, seq);

-- Alerts reference the stored event they were raised on; a replay after a crash does not raise an alert twice.
alter table alerts add column event_id bigint;
create unique index alerts_event_rule_idx on alerts (event_id, rule_id) where event_id is not null;

-- db-scheduler's scheduled_tasks (the verification and retention timers) is created by V6_001.
