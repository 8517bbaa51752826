-- Issue 10: replay exercises. Replayed events, their alerts, incidents and pages are marked by their source name
-- (dev.vigil.server.normalize.ExerciseTag); these generated columns make the mark queryable, so production figures
-- filter with "exercise_id is null" / "not exercise".
alter table alerts
    add column exercise_id uuid generated always as (
        case when source like 'exercise-%'
             then cast(substring(source from '^exercise-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.') as uuid)
        end) stored;
create index alerts_exercise_idx on alerts (exercise_id, created_at) where exercise_id is not null;

alter table incidents
    add column exercise_id uuid generated always as (
        case when source like 'exercise-%'
             then cast(substring(source from '^exercise-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$') as uuid)
        end) stored;
create index incidents_exercise_idx on incidents (exercise_id) where exercise_id is not null;

-- Pages of exercise incidents (only when the exercise asked to page the on-call team) carry the [EXERCISE] marker.
alter table oncall_pages
    add column exercise boolean generated always as (title like '[EXERCISE] %') stored;

-- What an exercise expects to be detected (rule ids and/or ATT&CK technique ids) and whether it pages on-call.
alter table gov_exercises
    add column expected     text[]  not null default '{}',
    add column page_on_call boolean not null default false,
    add column owner        text;

-- One row per replay run of an exercise.
create table gov_exercise_replays
(
    id              uuid        not null primary key,
    exercise_id     uuid        not null references gov_exercises (id) on delete cascade,
    kind            text        not null check (kind in ('demo', 'stored')),
    range_from      timestamptz,
    range_to        timestamptz,
    source          text,
    query           text,
    status          text        not null check (status in ('running', 'settling', 'completed', 'cancelled', 'failed')),
    events_total    bigint      not null default 0,
    events_sent     bigint      not null default 0,
    events_rejected bigint      not null default 0,
    events_evaluated bigint     not null default 0,
    last_event_id   bigint      not null default 0,
    shift_seconds   bigint,
    obtained        jsonb,      -- [{"ruleId","title","alerts","techniques":[…]}]
    comparison      jsonb,      -- [{"expected","status":"detected|missed|unexpected","rules":[…]}]
    error           text,
    started_by      text        not null,
    started_at      timestamptz not null,
    finished_at     timestamptz,
    cancelled_by    text
);
create index gov_exercise_replays_idx on gov_exercise_replays (exercise_id, started_at desc);
-- One replay at a time per exercise.
create unique index gov_exercise_replays_active_idx on gov_exercise_replays (exercise_id)
    where status in ('running', 'settling');

alter table gov_exercise_findings
    add column replay_id uuid references gov_exercise_replays (id) on delete set null;
