-- Event store: streams with optimistic concurrency, events in one table ordered by (tx, seq).
-- Names are unqualified: the migrator runs with search_path set to the gateway's schema.

create table streams (
    id          text primary key,
    type        text not null,
    tenant_id   text,
    -- Number of versioned events in the stream; fact streams (appended without a version check) stay at 0.
    version     bigint not null default 0,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create table events (
    seq         bigint generated always as identity primary key,
    id          uuid not null,
    stream_id   text not null references streams (id),
    -- Null for facts appended on the fast path: they are ordered by (tx, seq) alone.
    version     bigint,
    type        text not null,
    data        jsonb not null,
    metadata    jsonb not null,
    tenant_id   text,
    created_at  timestamptz not null default now(),
    -- The writing transaction: async projections read only below the oldest transaction still
    -- running, so an event that commits late is never skipped.
    tx          xid8 not null default pg_current_xact_id(),
    constraint events_id_unique unique (id),
    constraint events_stream_version_unique unique (stream_id, version)
);

create index events_tx_seq on events (tx, seq);
create index events_tenant_seq on events (tenant_id, seq) where tenant_id is not null;

create table projection_progress (
    name        text primary key,
    tx          xid8 not null default '0',
    seq         bigint not null default 0,
    updated_at  timestamptz not null default now()
);
