-- Issue 10 (metrics): the incidents module records each NIST phase change as a row, so "time in each phase" no longer
-- parses the war-room timeline's text. Earlier changes are taken over from the timeline's automatic phase entries.
create table incident_phase_changes
(
    id          bigserial   not null primary key,
    incident_id uuid        not null references incidents (id),
    at          timestamptz not null,
    from_phase  text        not null,
    to_phase    text        not null,
    actor       text        not null
);
create index incident_phase_changes_idx on incident_phase_changes (incident_id, at, id);

insert into incident_phase_changes (incident_id, at, from_phase, to_phase, actor)
select t.incident_id,
       t.at,
       substring(t.summary from '^Phase: ([a-z-]+) -> '),
       substring(t.summary from ' -> ([a-z-]+)$'),
       t.actor
from incident_timeline t
where t.kind = 'phase'
  and t.automatic
  and t.summary ~ '^Phase: [a-z-]+ -> [a-z-]+$'
order by t.incident_id, t.at, t.seq;
