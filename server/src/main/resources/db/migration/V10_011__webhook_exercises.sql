-- Issue 10 (replay exercises): exercise traffic stays out of production webhooks. A subscription receives events
-- stemming from an exercise (alerts and incidents raised by a replay) only when it opts in; existing subscriptions
-- do not. An event remembers whether it is an exercise's, so that a delivery still pending when a subscription opts
-- out is not sent.
alter table webhook_subscriptions
    add column include_exercises boolean not null default false;
alter table webhook_events
    add column exercise boolean not null default false;
