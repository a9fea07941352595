-- A run-time key may name its own table of published limits (gemini-free, groq-free, none);
-- null keeps the provider's.
alter table provider_keys add column limits_table text;
