-- Issue 5: application inventory.
create table applications
(
    id               uuid        not null primary key,
    name             text        not null unique,
    description      text,
    owner            text        not null,
    criticality      text        not null check (criticality in ('low', 'medium', 'high', 'critical')),
    expected_sources text[]      not null default '{}',
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);
