-- Values sealed with the server's at-rest key (platform SecretBox) that the platform itself keeps: 'key-check' is a
-- known text sealed by the first node that started, so a node configured with another key refuses to start instead
-- of failing every signed delivery and action link later.
create table platform_secrets
(
    name  text  not null primary key,
    value bytea not null
);
