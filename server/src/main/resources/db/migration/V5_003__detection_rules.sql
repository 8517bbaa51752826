-- Issue 5: stored Sigma rules, their files, and per-rule statistics.

-- One row per imported file: the YAML as imported (the engine re-parses it on every reload).
create table detection_rule_files
(
    origin      text        not null primary key,
    yaml        text        not null,
    sha256      text        not null,
    imported_at timestamptz not null
);

-- One row per rule, filter or correlation rule defined by a file.
create table detection_rules
(
    ref         text        not null primary key,
    kind        text        not null check (kind in ('rule', 'filter', 'correlation')),
    origin      text        not null references detection_rule_files (origin) on delete cascade,
    title       text        not null,
    level       text,
    status      text,
    tags        text[]      not null default '{}',
    product     text,
    category    text,
    service     text,
    enabled     boolean     not null default true,
    imported_at timestamptz not null,
    updated_at  timestamptz not null
);
create index detection_rules_origin_idx on detection_rules (origin);

-- Counters per rule ref (kept when a rule is deleted and re-imported).
create table detection_rule_stats
(
    ref           text        not null primary key,
    matches       bigint      not null default 0,
    errors        bigint      not null default 0,
    suppressed    bigint      not null default 0,
    last_match    timestamptz,
    last_error    text,
    last_error_at timestamptz
);
