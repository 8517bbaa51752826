-- Issue 6: outgoing webhooks. Secrets are stored encrypted (AES-256-GCM, key in DATA_DIR/webhook-key or
-- vigil.webhooks.secret-key); events are stored once with their exact payload; one delivery row per subscription.
create table webhook_subscriptions
(
    id          uuid        not null primary key,
    name        text        not null,
    url         text        not null,
    secret      bytea       not null, -- nonce || AES-GCM ciphertext
    event_types text[]      not null,
    enabled     boolean     not null default true,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);

create table webhook_events
(
    id          uuid        not null primary key,
    type        text        not null,
    occurred_at timestamptz not null,
    payload     text        not null
);
create index webhook_events_time_idx on webhook_events (occurred_at desc);

create table webhook_deliveries
(
    id              uuid        not null primary key,
    subscription_id uuid        not null references webhook_subscriptions (id) on delete cascade,
    event_id        uuid        not null references webhook_events (id) on delete cascade,
    status          text        not null check (status in ('pending', 'delivered', 'failed')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz,
    last_attempt_at timestamptz,
    last_status     int,
    last_error      text,
    response_ms     int,
    delivered_at    timestamptz,
    created_at      timestamptz not null,
    unique (subscription_id, event_id)
);
create index webhook_deliveries_subscription_idx on webhook_deliveries (subscription_id, created_at desc);
