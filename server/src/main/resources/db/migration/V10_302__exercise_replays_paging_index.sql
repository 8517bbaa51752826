-- GET /api/v1/governance/exercises/{id}/replays pages an exercise's runs by (started_at, id) (see V10_301).
create index gov_exercise_replays_listed_idx on gov_exercise_replays (exercise_id, started_at, id);
