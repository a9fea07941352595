-- Prompt-cache writes get prices of their own, and usage keeps its tokens and cost split by kind.
-- Cache writes are counted per cache lifetime (5 minutes, 1 hour), both parts of prompt_tokens as cached_tokens
-- (the reads) already are. Rows stored before this migration read as no cache writes; their cost split is
-- unknown (null in usage_records, zero in usage_daily), while their cost stays what it was.

alter table prices
    add column cache_write_per_million    numeric(20, 10),
    add column cache_write_1h_per_million numeric(20, 10);

alter table usage_records
    add column cache_write_5m_tokens integer not null default 0,
    add column cache_write_1h_tokens integer not null default 0,
    add column input_cost            numeric(20, 10),
    add column cache_read_cost       numeric(20, 10),
    add column cache_write_5m_cost   numeric(20, 10),
    add column cache_write_1h_cost   numeric(20, 10),
    add column output_cost           numeric(20, 10);

alter table usage_daily
    add column cache_write_5m_tokens bigint not null default 0,
    add column cache_write_1h_tokens bigint not null default 0,
    add column input_cost            numeric(24, 10) not null default 0,
    add column cache_read_cost       numeric(24, 10) not null default 0,
    add column cache_write_5m_cost   numeric(24, 10) not null default 0,
    add column cache_write_1h_cost   numeric(24, 10) not null default 0,
    add column output_cost           numeric(24, 10) not null default 0;
