-- Indexes for the paged on-call and notification lists (as V7_301, V10_301): filter columns, then the order and its
-- tie-breaker.

-- GET /api/v1/oncall/schedules/{id}/overrides and /people/{id}/leave: by start.
create index oncall_overrides_keyset_idx on oncall_overrides (schedule_id, starts_at, id);
create index oncall_leave_keyset_idx on oncall_leave (user_id, starts_at, id);

-- GET /api/v1/notify/deliveries: all, or by correlation (page:<id>, check:<run>), by creation. The correlation index
-- of V8_001 (correlation, created_at) is a prefix of the new one.
create index notify_deliveries_correlation_keyset_idx on notify_deliveries (correlation, created_at, id);
drop index if exists notify_deliveries_correlation_idx;
create index notify_deliveries_created_idx on notify_deliveries (created_at, id);
