-- Who owns a retro-hunt (may cancel it besides administrators): 'user:<uuid>' for a user's session or personal token,
-- 'token:<uuid>' for an integration token, 'system:system' for the server. Hunts from before have none: only
-- administrators may cancel them.
alter table hunt_jobs add column owner text;
