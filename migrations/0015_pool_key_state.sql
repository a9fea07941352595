-- What one instance's key pools learned from upstream refusals that every instance must know, and keep
-- across restarts: a scope (a key, or a Google Cloud project) cooling down for a quota group, a spent daily
-- quota, a key an upstream rejected. Written off the request path, announced by NOTIFY, loaded at start.
create table pool_key_state (
    provider     text not null,
    -- cooled_down and daily_exhausted end at until; disabled lasts until an operator enables the key.
    kind         text not null check (kind in ('cooled_down', 'daily_exhausted', 'disabled')),
    scope        text not null,
    quota_group  text not null,
    key_id       text not null,
    until        timestamptz,
    reason       text not null,
    updated_at   timestamptz not null,
    check ((kind = 'disabled') = (until is null))
);

-- One cooldown per scope and quota group (the one that ends last), one rejection per key.
create unique index pool_key_state_cooldown on pool_key_state (provider, scope, quota_group) where kind <> 'disabled';
create unique index pool_key_state_disabled on pool_key_state (provider, key_id) where kind = 'disabled';
