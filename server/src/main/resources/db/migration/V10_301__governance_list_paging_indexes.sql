-- Indexes for the paged governance lists (see V7_301): filter columns, then the order and its tie-breaker.

-- GET /api/v1/governance/defects (all, or by status) and /training (all, or by process): newest first.
create index gov_log_defects_listed_idx on gov_log_defects (opened_at, id);
create index gov_log_defects_status_listed_idx on gov_log_defects (status, opened_at, id);
create index gov_training_listed_idx on gov_training (completed_at, id);
create index gov_training_process_listed_idx on gov_training (process_key, completed_at, id);
