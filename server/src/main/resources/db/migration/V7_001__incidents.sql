-- Issue 7: incidents (NIST SP 800-61 record), the alerts grouped into them, links, observables, the war-room
-- timeline, participants, tasks from playbooks, triage rules, the RSIT taxonomy, playbooks, stakeholders, business
-- calendars, notification obligations with their deadline stages, and the root-cause analysis.

create sequence incident_number_seq;

create table incidents
(
    id                   uuid        not null primary key,
    number               bigint      not null unique default nextval('incident_number_seq'),
    title                text        not null,
    description          text,
    severity             text        not null check (severity in ('low', 'medium', 'high', 'critical')),
    priority             smallint    not null check (priority between 1 and 5),
    status               text        not null,
    phase                text        not null,
    outcome              text,
    -- RSIT classification: current, first (set once) and final (set when closing)
    class_key            text,
    type_key             text,
    first_class_key      text,
    first_type_key       text,
    final_class_key      text,
    final_type_key       text,
    owning_team          text,
    lead                 text,
    assignees            text[]      not null default '{}',
    applications         text[]      not null default '{}',
    assets               text[]      not null default '{}',
    techniques           text[]      not null default '{}',
    tactics              text[]      not null default '{}',
    data_types           text[]      not null default '{}',
    jurisdictions        text[]      not null default '{}',
    escalation_policy    text,
    playbook_key         text,
    triage               jsonb       not null default '{}', -- attribute -> {rule, value}
    group_key            text,
    alert_count          integer     not null default 0,
    last_alert_at        timestamptz,
    occurred_at          timestamptz,
    detected_at          timestamptz,
    reported_at          timestamptz,
    acknowledged_at      timestamptz,
    contained_at         timestamptz,
    resolved_at          timestamptz,
    closed_at            timestamptz,
    milestones           jsonb       not null default '{}', -- awareness, major, materiality, ... -> instant
    merged_into          uuid references incidents (id),
    bridge_url           text,
    chat_url             text,
    close_note           text,
    source               text        not null default 'alert', -- alert | manual | split
    created_by           text        not null,
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    version              integer     not null default 0
);
create index incidents_open_group_idx on incidents (group_key, last_alert_at desc) where status not in ('closed', 'merged');
create index incidents_status_idx on incidents (status, created_at desc);
create index incidents_created_idx on incidents (created_at desc, id);

-- Alerts of an incident; one row per alert (an alert belongs to one incident). Duplicates of an alert already
-- in the incident (same rule and entities) increment duplicate_count of the first instead of adding a row.
create table incident_alerts
(
    alert_id         uuid        not null primary key,
    incident_id      uuid        not null references incidents (id),
    origin_incident  uuid        not null, -- where it first landed (kept when merged or split)
    rule_id          text        not null,
    rule_title       text        not null,
    level            text        not null,
    fingerprint      text        not null, -- rule + entities: what counts as "the same alert"
    duplicate_of     uuid,                 -- set on a duplicate: it is counted on that alert, not listed
    duplicate_count  integer     not null default 0,
    last_seen_at     timestamptz not null,
    added_at         timestamptz not null,
    added_by         text        not null
);
create index incident_alerts_incident_idx on incident_alerts (incident_id, added_at);
create index incident_alerts_fingerprint_idx on incident_alerts (incident_id, fingerprint);

create table incident_links
(
    incident_id uuid        not null references incidents (id),
    linked_id   uuid        not null references incidents (id),
    kind        text        not null, -- related | merged | split-from
    created_at  timestamptz not null,
    created_by  text        not null,
    primary key (incident_id, linked_id, kind)
);

create table incident_observables
(
    id          uuid        not null primary key,
    incident_id uuid        not null references incidents (id),
    kind        text        not null, -- ip, domain, url, hash, email, user, host, file, other
    value       text        not null,
    description text,
    ioc         boolean     not null default false,
    created_at  timestamptz not null,
    created_by  text        not null,
    unique (incident_id, kind, value)
);

create table incident_participants
(
    incident_id uuid        not null references incidents (id),
    name        text        not null,
    role        text,
    contact     text,
    joined_at   timestamptz not null,
    primary key (incident_id, name)
);

-- The war-room timeline: automatic entries (alert, status, phase, task, notification, submission, page, evidence,
-- ...) and manual ones (note, decision, communication).
create table incident_timeline
(
    id          uuid        not null primary key,
    incident_id uuid        not null references incidents (id),
    seq         bigserial   not null,
    at          timestamptz not null, -- when it happened (manual entries may be back-dated)
    kind        text        not null,
    automatic   boolean     not null,
    summary     text        not null,
    details     text,
    actor       text        not null,
    -- communications log: who was told what, over which channel
    audience    text,
    channel     text,
    created_at  timestamptz not null
);
create index incident_timeline_incident_idx on incident_timeline (incident_id, at, seq);

create table incident_tasks
(
    id           uuid        not null primary key,
    incident_id  uuid        not null references incidents (id),
    position     integer     not null,
    title        text        not null,
    instructions text,
    owner_role   text,
    assignee     text,
    mandatory    boolean     not null,
    due_at       timestamptz,
    status       text        not null check (status in ('open', 'done', 'skipped')),
    playbook_key text,
    playbook_ver integer,
    note         text,
    completed_at timestamptz,
    completed_by text,
    created_at   timestamptz not null
);
create index incident_tasks_incident_idx on incident_tasks (incident_id, position);

-- Triage rules: ordered, declarative (the definition is the YAML document as JSON).
create table triage_rules
(
    id         uuid        not null primary key,
    name       text        not null unique,
    position   integer     not null,
    enabled    boolean     not null,
    definition jsonb       not null,
    builtin    boolean     not null default false,
    updated_at timestamptz not null
);

-- Taxonomy (RSIT v1003 shipped as data; the organisation may add, rename or retire entries).
create table taxonomy_classes
(
    key         text    not null primary key,
    name        text    not null,
    description text,
    position    integer not null,
    active      boolean not null default true,
    builtin     boolean not null default false
);
create table taxonomy_types
(
    class_key   text    not null references taxonomy_classes (key),
    key         text    not null,
    name        text    not null,
    description text,
    position    integer not null,
    active      boolean not null default true,
    builtin     boolean not null default false,
    primary key (class_key, key)
);

-- Playbooks: every saved change is a new version; incidents keep the version they applied.
create table playbooks
(
    key        text        not null,
    version    integer     not null,
    name       text        not null,
    definition jsonb       not null,
    source     text        not null, -- the YAML as written
    active     boolean     not null default true,
    builtin    boolean     not null default false,
    created_at timestamptz not null,
    created_by text        not null,
    primary key (key, version)
);

create table incident_playbooks
(
    incident_id  uuid        not null references incidents (id),
    playbook_key text        not null,
    version      integer     not null,
    applied_at   timestamptz not null,
    applied_by   text        not null,
    primary key (incident_id, playbook_key)
);

create table stakeholder_groups
(
    key         text        not null primary key,
    name        text        not null,
    description text,
    contacts    jsonb       not null default '[]',
    builtin     boolean     not null default false,
    updated_at  timestamptz not null
);

create table business_calendars
(
    key        text        not null primary key,
    name       text        not null,
    zone       text        not null,
    weekend    text[]      not null default '{SATURDAY,SUNDAY}',
    country    text, -- holiday preset (jollyday country code), plus the explicit dates
    holidays   date[]      not null default '{}',
    cutoff     time,       -- local time something due on a business day must be in by; null: end of the day
    builtin    boolean     not null default false,
    updated_at timestamptz not null
);

-- Notification obligations: what must be reported to whom, in which stages, when they apply.
create table obligation_templates
(
    key         text        not null primary key,
    name        text        not null,
    definition  jsonb       not null,
    active      boolean     not null default true,
    builtin     boolean     not null default false,
    updated_at  timestamptz not null
);

create table incident_obligations
(
    id           uuid        not null primary key,
    incident_id  uuid        not null references incidents (id),
    template_key text        not null,
    name         text        not null,
    definition   jsonb       not null, -- snapshot of the template when attached
    attached_by  text        not null, -- "rule:<condition>" or the person who attached it by hand
    status       text        not null check (status in ('open', 'done', 'not_required')),
    not_required_reason text,
    created_at   timestamptz not null,
    unique (incident_id, template_key)
);

create table obligation_stages
(
    id                  uuid        not null primary key,
    obligation_id       uuid        not null references incident_obligations (id),
    incident_id         uuid        not null references incidents (id),
    position            integer     not null,
    key                 text        not null,
    name                text        not null,
    asap                boolean     not null default false,
    due_at              timestamptz, -- null while its trigger has not happened
    due_basis           text,        -- how the due time was computed, for people
    state               text        not null check (state in ('waiting', 'pending', 'at_risk', 'overdue', 'submitted')),
    warn_at             timestamptz, -- from when the stage is at risk and escalated
    warned_at           timestamptz,
    overdue_at          timestamptz,
    submitted_at        timestamptz,
    submitted_to        text,
    submitted_what      text,
    submitted_by        text,
    reference           text,
    late                boolean,
    late_justification  text,
    unique (obligation_id, key)
);
create index obligation_stages_incident_idx on obligation_stages (incident_id, position);
create index obligation_stages_due_idx on obligation_stages (due_at) where state in ('pending', 'at_risk', 'overdue');

create table incident_rca
(
    incident_id        uuid        not null primary key references incidents (id),
    summary            text,
    causes             jsonb       not null default '[]',
    contributing       jsonb       not null default '[]',
    corrective_actions jsonb       not null default '[]',
    lessons            text,
    completed_at       timestamptz,
    completed_by       text,
    waived_reason      text,
    waived_by          text,
    waived_at          timestamptz,
    updated_at         timestamptz not null,
    updated_by         text        not null
);

-- What the starter set has seeded once (so that an entry the organisation deleted does not come back on restart).
create table incident_seeds
(
    kind      text        not null,
    key       text        not null,
    seeded_at timestamptz not null,
    primary key (kind, key)
);
