-- Issue 6: users, teams, and API tokens of users and integrations.

create table users
(
    id                 uuid        not null primary key,
    username           text        not null unique, -- lower-case
    display_name       text        not null,
    email              text,
    password_hash      text,                        -- {argon2@SpringSecurity_v5_8}...; null: no local password (SSO)
    roles              text[]      not null default '{}',
    enabled            boolean     not null default true,
    oidc_issuer        text,
    oidc_subject       text,
    failed_sign_ins    int         not null default 0,
    locked_until       timestamptz,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    password_changed_at timestamptz,
    last_sign_in_at    timestamptz,
    unique (oidc_issuer, oidc_subject)
);

create table teams
(
    id          uuid        not null primary key,
    name        text        not null unique,
    description text,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);

create table team_members
(
    team_id uuid not null references teams (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    primary key (team_id, user_id)
);
create index team_members_user_idx on team_members (user_id);

-- Tokens: 'ingest' (source-bound) and 'metrics' stay as they were; 'admin' tokens become 'api' tokens that carry
-- roles and belong to a user (user_id) or to an integration (user_id null).
alter table api_tokens drop constraint api_tokens_scope_check;
alter table api_tokens add column user_id uuid references users (id) on delete cascade;
alter table api_tokens add column roles text[] not null default '{}';
update api_tokens set scope = 'api', roles = '{admin}' where scope = 'admin';
alter table api_tokens add constraint api_tokens_scope_check check (scope in ('ingest', 'metrics', 'api'));
create index api_tokens_user_idx on api_tokens (user_id);
