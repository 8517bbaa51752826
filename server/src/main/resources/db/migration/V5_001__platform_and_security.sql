-- Issue 5: Spring Modulith event publication registry (alerts are published through it) and API tokens.

create table if not exists event_publication
(
    id                     uuid                     not null primary key,
    listener_id            text                     not null,
    event_type             text                     not null,
    serialized_event       text                     not null,
    publication_date       timestamp with time zone not null,
    completion_date        timestamp with time zone,
    status                 text,
    completion_attempts    int,
    last_resubmission_date timestamp with time zone
);
create index if not exists event_publication_serialized_event_hash_idx on event_publication using hash (serialized_event);
create index if not exists event_publication_by_completion_date_idx on event_publication (completion_date);

-- API tokens. Only the SHA-256 of a token is stored; the token itself is shown once when issued.
create table api_tokens
(
    id           uuid        not null primary key,
    name         text        not null,
    scope        text        not null check (scope in ('ingest', 'metrics', 'admin')),
    subject      text,                 -- ingest tokens: the only log source the token may write to (null: any)
    token_hash   bytea       not null unique,
    token_prefix text        not null, -- first characters, to recognise a token in lists and logs
    created_at   timestamptz not null,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
create index api_tokens_name_idx on api_tokens (name);
