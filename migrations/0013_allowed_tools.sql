-- The gateway tools (gateway_web_search, gateway_code_execution) an organisation's keys and a key may use; empty allows every enabled one.
alter table organizations add column allowed_tools text[] not null default '{}';
alter table virtual_keys add column allowed_tools text[] not null default '{}';
