-- Upstream provider keys added at run time through /v1/provider-keys (keys declared in the YAML
-- config are not stored). The secret is kept only sealed: AES-256-GCM under the master key.

create table provider_keys (
    id               text primary key,
    provider         text not null,
    label            text not null,
    last_four        text not null,
    sealed_secret    text not null,
    project          text,
    priority         integer not null,
    weight           double precision not null,
    max_concurrency  integer,
    rpm              integer,
    rpd              integer,
    tpm              integer,
    -- Set by an operator (disable) and cleared by enable; applies on every instance and after restarts.
    disabled_reason  text,
    removed          boolean not null default false,
    version          bigint not null,
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);

create index provider_keys_provider on provider_keys (provider) where not removed;
