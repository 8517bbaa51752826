-- Out-of-band check (SAMM IM3-B): a person confirms receipt of the test notification (signed link) before a deadline;
-- ok = delivered (awaiting confirmation when confirm_by is set), confirmed, failed (delivery), unconfirmed (deadline).
alter table oncall_check_results drop constraint if exists oncall_check_results_status_check;
alter table oncall_check_results
    add constraint oncall_check_results_status_check
        check (status in ('pending', 'ok', 'confirmed', 'failed', 'unconfirmed'));
alter table oncall_check_results
    add column confirm_by     timestamptz,
    add column confirmed_at   timestamptz,
    add column confirmed_from text,
    add column warned         boolean not null default false;
create index oncall_check_results_due_idx on oncall_check_results (confirm_by) where status in ('pending', 'ok');
create index oncall_check_results_run_idx on oncall_check_results (run_id);
