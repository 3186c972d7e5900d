-- The LLM gateway: each organisation's provider keys (encrypted), routing per task, price overrides,
-- budget and redaction settings, and one usage row per provider attempt.

-- An organisation's own key for a provider, overriding the deployment's default. The key is sealed
-- with AES-256-GCM (server/src/llm/secrets.ts), bound to the organisation and provider; only its last
-- characters are kept in the clear, as a hint for the admin page.
create table ai_providers (
  org_id uuid not null references orgs(id),
  provider text not null check (provider in ('anthropic', 'gemini', 'openai', 'deepseek', 'perplexity')),
  api_key_sealed text not null,
  key_hint text,
  base_url text,
  updated_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, provider)
);

-- The ordered provider+model chain for a task; a task without a row follows the default routing.
create table ai_routes (
  org_id uuid not null references orgs(id),
  task text not null,
  chain jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (org_id, task)
);

-- Price overrides per model, in millionths of a US dollar per million tokens. Built-in defaults live in code.
create table ai_prices (
  org_id uuid not null references orgs(id),
  provider text not null,
  model text not null,
  input_micro_usd_per_mtok bigint not null check (input_micro_usd_per_mtok >= 0),
  output_micro_usd_per_mtok bigint not null check (output_micro_usd_per_mtok >= 0),
  primary key (org_id, provider, model)
);

create table ai_settings (
  org_id uuid primary key references orgs(id),
  monthly_budget_micro_usd bigint check (monthly_budget_micro_usd >= 0),
  redact_email boolean not null default true,
  redact_phone boolean not null default true,
  redact_iban boolean not null default true,
  -- Organisation-defined patterns: [{label, pattern, caseInsensitive}], validated before saving.
  redaction_patterns jsonb not null default '[]',
  -- The month ('2026-03') for which ai.budget_exceeded was last written, so it is written once a month.
  budget_notified_period text,
  updated_at timestamptz not null default now()
);

-- One row per attempt at a provider: a call that falls back from one provider to the next writes
-- one row for each. call_id groups the attempts of one call. Cost is in millionths of a US dollar.
create table ai_usage (
  id bigint generated always as identity primary key,
  org_id uuid not null references orgs(id),
  call_id uuid not null,
  attempt smallint not null,
  user_id uuid,
  ticket_id uuid,
  task text not null,
  provider text not null,
  model text not null,
  outcome text not null,
  input_tokens integer not null default 0,
  output_tokens integer not null default 0,
  -- True when the provider reported no usage (it broke off) and the counts are estimated from characters.
  usage_estimated boolean not null default false,
  cost_micro_usd bigint not null default 0,
  priced boolean not null default true,
  first_token_ms integer,
  total_ms integer not null,
  at timestamptz not null default now()
);
create index ai_usage_org_at_idx on ai_usage (org_id, at);
