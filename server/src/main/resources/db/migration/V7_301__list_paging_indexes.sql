-- Indexes for the keyset/offset order of list endpoints over tables that grow with production use (issue: unbounded
-- list endpoints). Each matches the list's filter columns followed by its order (sort key, then the tie-breaker), so
-- a page reads `size` index entries instead of sorting the whole set.

-- GET /api/v1/incidents/{ref}/alerts: listed (non-duplicate) alerts by (added_at, alert_id).
create index incident_alerts_listed_idx on incident_alerts (incident_id, added_at, alert_id) where duplicate_of is null;

-- GET /api/v1/incidents/{ref}/evidence: items by (created_at, id). (The custody chain pages by its primary key seq
-- within evidence_custody_item_idx (evidence_id, seq); the timeline by incident_timeline_incident_idx
-- (incident_id, at, seq): both already match.)
create index evidence_items_listed_idx on evidence_items (incident_id, created_at, id);


-- GET /api/v1/incidents/{ref}/observables (taken from every alert's entities): by (created_at, id).
create index incident_observables_listed_idx on incident_observables (incident_id, created_at, id);
