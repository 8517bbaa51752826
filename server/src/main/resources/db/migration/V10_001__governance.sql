-- Issue 10: governance — processes with versioned documentation and reviews, RACI, contact points, manual incident
-- reports, training records, exercises with findings, and reminders already sent.
create table gov_processes
(
    id                   uuid        not null primary key,
    key                  text        not null unique,
    title                text        not null,
    kind                 text        not null check (kind in ('detection', 'response', 'other')),
    owner                text        not null,
    escalation_path      text,
    review_interval_days int         not null default 365 check (review_interval_days between 1 and 3660),
    last_reviewed_at     timestamptz,
    next_review_due      timestamptz not null,
    current_version      int         not null default 0,
    created_at           timestamptz not null,
    updated_at           timestamptz not null
);

create table gov_process_documents
(
    process_id uuid        not null references gov_processes (id) on delete cascade,
    version    int         not null,
    markdown   text        not null,
    summary    text,
    author     text        not null,
    created_at timestamptz not null,
    primary key (process_id, version)
);

create table gov_process_reviews
(
    id          uuid        not null primary key,
    process_id  uuid        not null references gov_processes (id) on delete cascade,
    reviewed_by text        not null,
    reviewed_at timestamptz not null,
    notes       text,
    next_due    timestamptz not null,
    created_at  timestamptz not null
);
create index gov_process_reviews_idx on gov_process_reviews (process_id, reviewed_at desc);

create table gov_raci
(
    id            uuid        not null primary key,
    incident_type text        not null,
    activity      text        not null,
    responsible   text[]      not null default '{}',
    accountable   text        not null,
    consulted     text[]      not null default '{}',
    informed      text[]      not null default '{}',
    updated_at    timestamptz not null,
    unique (incident_type, activity)
);

create table gov_contact_points
(
    id          uuid        not null primary key,
    name        text        not null unique,
    kind        text        not null check (kind in ('email', 'phone', 'url', 'chat', 'form', 'other')),
    value       text        not null,
    description text,
    single_point boolean    not null default false,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);

create table gov_incident_reports
(
    id          uuid        not null primary key,
    title       text        not null,
    description text        not null,
    severity    text        not null,
    application text,
    occurred_at timestamptz,
    reporter    text        not null,
    contact     text,
    alert_id    uuid,
    created_at  timestamptz not null
);
create index gov_incident_reports_idx on gov_incident_reports (created_at desc);

create table gov_training
(
    id           uuid        not null primary key,
    person       text        not null,
    process_key  text        not null,
    course       text        not null,
    completed_at timestamptz not null,
    expires_at   timestamptz,
    evidence     text,
    created_at   timestamptz not null
);
create index gov_training_person_idx on gov_training (person, process_key);

create table gov_exercises
(
    id           uuid        not null primary key,
    title        text        not null,
    kind         text        not null check (kind in ('tabletop', 'simulation', 'replay')),
    process_key  text,
    scenario     text        not null,
    held_at      timestamptz not null,
    participants text[]      not null default '{}',
    summary      text,
    created_at   timestamptz not null
);

create table gov_exercise_findings
(
    id          uuid        not null primary key,
    exercise_id uuid        not null references gov_exercises (id) on delete cascade,
    finding     text        not null,
    action      text        not null,
    owner       text        not null,
    due_date    date        not null,
    status      text        not null check (status in ('open', 'done')),
    closed_at   timestamptz,
    resolution  text,
    created_at  timestamptz not null
);
create index gov_exercise_findings_idx on gov_exercise_findings (exercise_id);

-- One row per reminder sent (kind + subject + due date), so the daily job reminds once per due date.
create table gov_reminders_sent
(
    kind       text        not null,
    subject    text        not null,
    due        timestamptz not null,
    sent_at    timestamptz not null,
    primary key (kind, subject, due)
);
