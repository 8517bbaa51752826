-- Issue 6: the append-only, hash-chained audit log. hash = SHA-256(prev_hash || canonical fields), see
-- dev.vigil.server.platform.audit.AuditChain. seq has no gaps (assigned under an advisory lock, not by a sequence,
-- so a rolled-back transaction leaves no hole that would look like a deletion).
create table audit_log
(
    seq         bigint      not null primary key,
    id          uuid        not null unique,
    occurred_at timestamptz not null,
    actor_type  text        not null,
    actor_id    text        not null,
    actor_name  text        not null,
    source_ip   text,
    action      text        not null,
    object_type text        not null,
    object_id   text,
    before_json text,
    after_json  text,
    prev_hash   bytea       not null,
    hash        bytea       not null
);
create index audit_log_time_idx on audit_log (occurred_at desc);
create index audit_log_object_idx on audit_log (object_type, object_id);
create index audit_log_actor_idx on audit_log (actor_name);

-- Defence in depth: ordinary statements cannot change or remove entries. Someone with owner rights can bypass this
-- (disable the trigger, session_replication_role = replica); the hash chain detects what they did.
create function audit_log_append_only() returns trigger
    language plpgsql as
$$
begin
    raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update_delete
    before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function audit_log_append_only();

-- Verified heads: a later head behind a verified one means entries were cut off the end.
create table audit_checkpoints
(
    id         bigserial   not null primary key,
    checked_at timestamptz not null,
    head_seq   bigint      not null,
    head_hash  bytea,
    intact     boolean     not null,
    problem    text
);
