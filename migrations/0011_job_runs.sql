-- Background jobs (Quartz, clustered on the qrtz_ tables of 0002): what each run did, for
-- GET /v1/jobs. Quartz keeps schedules, not outcomes. Every run is a row, so a job that ran twice
-- for one schedule would show as two rows with one scheduled_at; the recorder keeps the last 100 per job.

create table job_runs (
    id           bigint generated always as identity primary key,
    job          text not null,
    instance_id  text not null,
    scheduled_at timestamptz,
    started_at   timestamptz not null,
    duration_ms  double precision not null,
    succeeded    boolean not null,
    -- What the run did ("deleted 120 usage records"), or the error when it failed; never a secret.
    summary      text,
    error        text
);

create index job_runs_job_id on job_runs (job, id desc);

-- The expiry a key.expired event was recorded for. Equal to expires_at once recorded; an operator
-- who moves expires_at makes them differ again, so the new expiry is recorded when it passes. The
-- partial index holds only keys whose expiry is still to be recorded, so the key-expiry job reads
-- those and never scans every key that ever expired.
alter table virtual_keys add column expiry_recorded_for timestamptz;
create index virtual_keys_expiry_unrecorded on virtual_keys (expires_at)
    where not revoked and expires_at is not null and expiry_recorded_for is distinct from expires_at;
