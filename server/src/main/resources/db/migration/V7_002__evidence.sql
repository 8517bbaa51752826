-- Issue 7: the evidence locker. Files live under DATA_DIR/evidence (content-addressed by the item id); the database
-- keeps the SHA-256 the server computed on upload and the append-only chain of custody.
create table evidence_items
(
    id           uuid        not null primary key,
    incident_id  uuid        not null references incidents (id),
    kind         text        not null check (kind in ('file', 'event', 'alert')),
    name         text        not null,
    content_type text        not null,
    size_bytes   bigint      not null,
    sha256       text        not null,
    storage_path text        not null, -- relative to the evidence directory
    event_id     bigint,               -- stored event id (kind = event)
    alert_id     uuid,                 -- alert (kind = alert)
    description  text,
    integrity    text        not null default 'intact' check (integrity in ('intact', 'mismatch', 'missing')),
    checked_at   timestamptz,
    created_at   timestamptz not null,
    created_by   text        not null
);
create index evidence_items_incident_idx on evidence_items (incident_id, created_at);

create table evidence_custody
(
    seq          bigserial   not null primary key,
    evidence_id  uuid        not null references evidence_items (id),
    at           timestamptz not null,
    actor        text        not null,
    action       text        not null, -- collected, accessed, downloaded, verified, transferred, integrity-failure, ...
    location     text,
    details      text,
    sha256       text                  -- the hash observed at this step, when one was computed
);
create index evidence_custody_item_idx on evidence_custody (evidence_id, seq);

-- Append-only: custody entries can be added, never changed or removed.
create function evidence_custody_append_only() returns trigger language plpgsql as
$$
begin
    raise exception 'the chain of custody is append-only';
end;
$$;
create trigger evidence_custody_no_update
    before update or delete on evidence_custody
    for each row execute function evidence_custody_append_only();
