-- Price versions set through /v1/pricing (shipped and config-file prices live in the binary and the
-- file). One row per model and effective time; money is numeric, never float.

create table prices (
    model                    text not null,
    effective_at             timestamptz not null,
    input_per_million        numeric(20, 10) not null,
    output_per_million       numeric(20, 10) not null,
    cached_input_per_million numeric(20, 10),
    created_at               timestamptz not null,
    primary key (model, effective_at)
);
