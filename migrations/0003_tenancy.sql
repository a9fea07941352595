-- Read models of organisations, users and virtual keys, kept by the tenancy inline projection in the
-- same transaction as the events, so they are never behind their streams and their unique indexes
-- (external id per organisation, key hash) refuse a duplicate before the event commits.

create table organizations (
    id              text primary key,
    name            text not null,
    metadata        jsonb not null,
    allowed_models  text[] not null,
    status          text not null,
    version         bigint not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null
);

create table users (
    id           text primary key,
    org_id       text not null references organizations (id),
    external_id  text not null,
    alias        text,
    email        text,
    role         text not null,
    metadata     jsonb not null,
    status       text not null,
    version      bigint not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null
);

-- A deleted user's external id may be reused by a new user.
create unique index users_external_id_unique on users (org_id, external_id) where status <> 'deleted';
create index users_org_id on users (org_id, id);

create table virtual_keys (
    id                    text primary key,
    org_id                text not null references organizations (id),
    user_id               text references users (id),
    name                  text not null,
    prefix                text not null,
    hash                  bytea not null,
    previous_hash         bytea,
    previous_valid_until  timestamptz,
    expires_at            timestamptz,
    allowed_models        text[] not null,
    rpm_limit             integer,
    tpm_limit             integer,
    metadata              jsonb not null,
    revoked               boolean not null default false,
    version               bigint not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    -- Written in batches by the usage tracker, never per request.
    last_used_at          timestamptz,
    constraint virtual_keys_hash_unique unique (hash)
);

create index virtual_keys_org_id on virtual_keys (org_id, id);
create index virtual_keys_user_id on virtual_keys (user_id, id);
