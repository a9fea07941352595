-- Provider instances declared at run time through /v1/providers (those of the YAML config are not
-- stored). spec holds the provider's settings as the config file would; keys live in provider_keys.

create table providers (
    name        text primary key,
    spec        jsonb not null,
    removed     boolean not null default false,
    version     bigint not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);
