-- Responses API answers kept for GET /v1/responses/{id}, its input items, and previous_response_id, per
-- organisation: another organisation's id is simply not there. Each response is written once, when its answer
-- is complete, and removed by DELETE or by the responses_retention job. Conversation state, not an audit fact:
-- no event stream.
--
-- json, not jsonb: GET answers with the object exactly as the client got it, and jsonb would re-order its keys
-- and re-space it. Nothing is looked up inside either column but input item ids, which json reads as well.

create table stored_responses (
    org_id               text not null,
    -- resp_...: the gateway's own, or the upstream's when the request passed through.
    id                   text not null,
    -- The key that created it: a record of who; any key of the organisation may read it.
    key_id               text,
    previous_response_id text,
    -- As the client asked for it.
    model                text not null,
    status               text not null,
    created_at           timestamptz not null,
    response             json not null check (json_typeof(response) = 'object'),
    -- This request's own input items, normalised by the gateway, each with an id (input_items pages by it).
    input                json not null check (json_typeof(input) = 'array'),
    primary key (org_id, id)
);

create index stored_responses_created_at on stored_responses (created_at);
