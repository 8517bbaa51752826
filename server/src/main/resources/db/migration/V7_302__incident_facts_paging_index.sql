-- GET /api/v1/incidents/facts pages the incidents of a creation-time range by (created_at, id), both ascending (or
-- both descending); incidents_created_idx (created_at desc, id) orders the tie-breaker the other way.
create index incidents_created_listed_idx on incidents (created_at, id);
