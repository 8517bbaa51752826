-- Issue 10: the detection checklist's own entries (owner, source, review date, required log sources), missing-log
-- defects, and rule reviews (rule health).
create table gov_checklist_entries
(
    id               uuid        not null primary key,
    technique        text,                 -- ATT&CK technique id (T1110, T1110.001) or null for a tactic-level entry
    tactic           text        not null, -- ATT&CK tactic short name (credential-access)
    title            text        not null,
    description      text,
    source           text        not null check (source in
        ('external-advisory', 'past-incident', 'threat-model', 'rule-set', 'exercise', 'other')),
    source_ref       text,
    owner            text        not null,
    review_due       date        not null,
    last_reviewed_at timestamptz,
    required_sources text[]      not null default '{}',
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);
create unique index gov_checklist_technique_idx on gov_checklist_entries (tactic, coalesce(technique, ''), title);

create table gov_log_defects
(
    id           uuid        not null primary key,
    subject_kind text        not null check (subject_kind in ('checklist', 'application')),
    subject      text        not null, -- checklist entry id or application name
    subject_name text        not null,
    source       text        not null,
    reason       text        not null check (reason in ('SOURCE_NOT_CONFIGURED', 'SOURCE_SILENT')),
    message      text        not null,
    owner        text        not null,
    due_date     date        not null,
    status       text        not null check (status in ('open', 'resolved')),
    opened_at    timestamptz not null,
    resolved_at  timestamptz,
    resolution   text
);
-- at most one open defect per subject and source
create unique index gov_log_defects_open_idx on gov_log_defects (subject_kind, subject, source) where status = 'open';

create table gov_rule_reviews
(
    id          uuid        not null primary key,
    rule_ref    text        not null,
    reviewed_by text        not null,
    reviewed_at timestamptz not null,
    verdict     text        not null check (verdict in ('keep', 'tune', 'disable')),
    notes       text
);
create index gov_rule_reviews_idx on gov_rule_reviews (rule_ref, reviewed_at desc);
