-- Budgets (event-sourced; spec holds the definition), their spend per period, and the headroom each
-- gateway instance has leased. Spend grows only from stored usage rows (exactly once, in the usage
-- writer's transaction); a lease shrinks by the same amount there. The sum of live leases plus spend
-- never exceeds the limit: that is what lets instances admit requests without a round trip.

create table budgets (
    id          text primary key,
    org_id      text not null,
    spec        jsonb not null,
    removed     boolean not null default false,
    version     bigint not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);
create index budgets_org on budgets (org_id);

create table budget_periods (
    budget_id       text not null,
    period_start    timestamptz not null,
    spent_usd       numeric(24, 10) not null default 0,
    spent_tokens    bigint not null default 0,
    spent_requests  bigint not null default 0,
    alerted_percent integer,
    primary key (budget_id, period_start)
);

create table budget_leases (
    budget_id    text not null,
    period_start timestamptz not null,
    instance_id  text not null,
    usd          numeric(24, 10) not null,
    tokens       bigint not null,
    requests     bigint not null,
    expires_at   timestamptz not null,
    primary key (budget_id, period_start, instance_id)
);

alter table usage_records add column instance_id text;
alter table usage_records add column charges jsonb not null default '[]';
