-- usage_records partitioned by UTC day of `at`: the writer's inserts touch only today's small indexes
-- however much history is kept, and retention drops a whole day (detach, drop) instead of deleting
-- its rows one by one. Partitions are named usage_records_pYYYYMMDD and created ahead by the gateway
-- (at start and by the usage_partitions job); usage_records_default takes any row whose day has no
-- partition yet, so an insert never fails for want of one.
--
-- The primary key must hold the partition key, so it is (id, at). A record keeps its id and its at
-- for good (both are in the journal), so a replayed batch still conflicts on (id, at) and is skipped.
--
-- Existing rows are copied into day partitions: the migration takes as long as inserting that many rows.

alter table usage_records rename to usage_records_unpartitioned;
alter table usage_records_unpartitioned drop constraint usage_records_pkey;
drop index usage_records_at, usage_records_org_at, usage_records_user_at, usage_records_key_at;

create table usage_records (like usage_records_unpartitioned including defaults) partition by range (at);
create table usage_records_default partition of usage_records default;

do $$
declare
    day date;
begin
    for day in select distinct (at at time zone 'UTC')::date from usage_records_unpartitioned loop
        execute format('create table %I partition of usage_records for values from (%L) to (%L)',
            'usage_records_p' || to_char(day, 'YYYYMMDD'), day || ' 00:00:00+00', day + 1 || ' 00:00:00+00');
    end loop;
end $$;

insert into usage_records select * from usage_records_unpartitioned;
drop table usage_records_unpartitioned;

-- Built after the copy, once per partition, rather than row by row during it.
alter table usage_records add primary key (id, at);
create index usage_records_at on usage_records (at desc, id desc);
create index usage_records_org_at on usage_records (org_id, at desc, id desc);
create index usage_records_user_at on usage_records (user_id, at desc, id desc) where user_id is not null;
create index usage_records_key_at on usage_records (key_id, at desc, id desc) where key_id is not null;
