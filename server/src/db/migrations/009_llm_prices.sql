-- A fee per provider request next to the token prices: Perplexity bills each request's web search
-- on top of its tokens. In millionths of a US dollar per request; 0 for providers without one.
alter table ai_prices add column request_micro_usd bigint not null default 0 check (request_micro_usd >= 0);
