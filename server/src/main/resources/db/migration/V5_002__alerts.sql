-- Issue 5: alerts raised by detection.
create table alerts
(
    id             uuid        not null primary key,
    rule_id        text        not null,
    rule_title     text        not null,
    level          text        not null check (level in ('informational', 'low', 'medium', 'high', 'critical')),
    level_rank     smallint    not null, -- 0 informational .. 4 critical, for "at least" filters
    tags           text[]      not null default '{}',
    source         text        not null,
    application    text,
    event_time     timestamptz,          -- the event's own time, when it has one
    received_at    timestamptz not null, -- when Vigil received the event
    created_at     timestamptz not null, -- when the alert was raised
    entities       jsonb       not null default '{}',
    matched_fields jsonb       not null default '{}',
    event          jsonb       not null,
    raw            text,
    correlation    jsonb
);
create index alerts_created_idx on alerts (created_at desc, id);
create index alerts_rule_idx on alerts (rule_id, created_at desc);
create index alerts_source_idx on alerts (source, created_at desc);
create index alerts_application_idx on alerts (application, created_at desc);
create index alerts_level_idx on alerts (level_rank, created_at desc);
create index alerts_tags_idx on alerts using gin (tags);
