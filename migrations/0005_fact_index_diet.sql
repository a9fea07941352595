-- Facts (version null, one per inference request) were paying for two index entries they never use:
-- the per-stream version uniqueness and the tenant index that the audit of versioned events reads.
-- Both become partial; versioned events keep exactly the guarantees they had.

alter table events drop constraint events_stream_version_unique;
create unique index events_stream_version_unique on events (stream_id, version) where version is not null;

drop index events_tenant_seq;
create index events_tenant_seq on events (tenant_id, seq) where tenant_id is not null and version is not null;
