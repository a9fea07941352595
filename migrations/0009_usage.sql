-- Every inference request's record, written in batches from the usage journal. The id makes a
-- replayed batch harmless: rows already stored are skipped, and only rows actually inserted are
-- added to the daily aggregates, so nothing is counted twice. Retention deletes old rows from
-- usage_records; usage_daily is kept.

create table usage_records (
    id                uuid primary key,
    at                timestamptz not null,
    request_id        text not null,
    org_id            text,
    user_id           text,
    key_id            text,
    dialect           text not null,
    endpoint          text not null,
    requested_model   text not null,
    provider          text,
    model             text,
    upstream_key_id   text,
    status            integer not null,
    stream            boolean not null,
    latency_ms        double precision not null,
    ttft_ms           double precision,
    prompt_tokens     integer not null,
    completion_tokens integer not null,
    cached_tokens     integer not null,
    usage_estimated   boolean not null,
    client_cancelled  boolean not null,
    cost              numeric(20, 10),
    attempts          jsonb not null
);

create index usage_records_at on usage_records (at desc, id desc);
create index usage_records_org_at on usage_records (org_id, at desc, id desc);
create index usage_records_user_at on usage_records (user_id, at desc, id desc) where user_id is not null;
create index usage_records_key_at on usage_records (key_id, at desc, id desc) where key_id is not null;

-- One row per UTC day and (organisation, user, key, provider, model); '' stands for none.
create table usage_daily (
    day               date not null,
    org_id            text not null,
    user_id           text not null,
    key_id            text not null,
    provider          text not null,
    model             text not null,
    requests          bigint not null,
    errors            bigint not null,
    prompt_tokens     bigint not null,
    completion_tokens bigint not null,
    cached_tokens     bigint not null,
    cost              numeric(24, 10) not null,
    primary key (day, org_id, user_id, key_id, provider, model)
);

create index usage_daily_org_day on usage_daily (org_id, day);
