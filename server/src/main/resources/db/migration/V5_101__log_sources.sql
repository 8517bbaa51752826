-- Issue 5 (intake): configured log sources. The per-intake default sources (default-syslog, ...) are created by the
-- server on start when missing; they cannot be deleted.
create table log_sources
(
    id             uuid        not null primary key,
    name           text        not null unique,
    intake         text        not null check (intake in ('syslog', 'http', 'bulk', 'otlp', 'file')),
    parser         text        not null check (parser in ('json', 'syslog', 'cef', 'leef', 'logfmt', 'kv', 'regex')),
    parser_options jsonb       not null default '{}'::jsonb,
    pipeline       text,                 -- engine pipeline name or YAML
    product        text,                 -- Sigma logsource assignment
    category       text,
    service        text,
    application    text,                 -- owning application
    match_rules    jsonb       not null default '[]'::jsonb,
    priority       int         not null default 100,
    enabled        boolean     not null default true,
    builtin        boolean     not null default false,
    created_at     timestamptz not null,
    updated_at     timestamptz not null
);
