-- Shares of rate-limit windows that every instance counts against together: a provider key's (or project's)
-- requests per minute, requests per day and tokens per minute, and a virtual key's requests and tokens per minute.
-- An instance is granted units under a transaction-scoped advisory lock on the window, so two grants never promise
-- the same units; a window's count is the sum of its rows that still count (counts_until > now). An instance closes
-- a grant when it is spent, stale or asked back: what it did not use is subtracted and counts_until drops to a minute
-- after its last use. Rows that no longer count are deleted by the next grant of their window.
create table pool_quota_grants (
    id            bigint generated always as identity primary key,
    owner         text not null,        -- the provider's name, or 'caller:' for virtual keys
    scope         text not null,        -- key:<id> or project:<name>, or the virtual key's id
    quota_group   text not null,        -- the model or quota group; '' for virtual keys
    dimension     text not null,        -- requests_per_minute, requests_per_day or tokens_per_minute
    instance_id   text not null,
    granted_at    timestamptz not null,
    counts_until  timestamptz not null,
    units         bigint not null check (units >= 0),
    closed        boolean not null default false  -- closed grants hold only what was used: nothing to ask back
);

create index pool_quota_grants_window on pool_quota_grants (owner, scope, quota_group, dimension, counts_until);
