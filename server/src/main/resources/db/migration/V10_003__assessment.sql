-- Issue 10: SAMM Incident Management self-assessment — assessor overrides and stored snapshots (history).
create table assessment_overrides
(
    question_id   text        not null primary key,
    answer        int         not null check (answer between 0 and 3),
    justification text        not null,
    assessor      text        not null,
    created_at    timestamptz not null
);

create table assessment_snapshots
(
    id         uuid             not null primary key,
    as_of      timestamptz      not null,
    created_by text             not null,
    stream_a   double precision not null,
    stream_b   double precision not null,
    score      double precision not null,
    body       jsonb            not null -- the whole Assessment as JSON
);
create index assessment_snapshots_idx on assessment_snapshots (as_of desc);
