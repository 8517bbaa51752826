-- Correlation state of the detection engine (issue 5): the engine's versioned snapshot (groups, held-back
-- detections, watermark), written periodically and at shutdown, restored at start so that windows in progress survive
-- a restart. One row per state key (one per Vigil instance; see vigil.detection.correlation.state-key).
create table detection_correlation_state
(
    state_key  text        not null primary key,
    snapshot   bytea       not null,
    groups     int         not null,
    held_back  int         not null,
    saved_at   timestamptz not null
);
