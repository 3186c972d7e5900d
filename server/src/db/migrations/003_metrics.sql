-- Metrics: API keys for integrations, agent availability, per-organisation metric settings, the
-- engine's checkpoint, and a NOTIFY on every write to the event log so every node folds at once.

-- Only a SHA-256 of the key is stored: keys are 32 random bytes, so a fast hash is enough and a
-- leaked table yields no usable key.
create table api_keys (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  name text not null,
  scopes text[] not null,
  key_hash text not null unique,
  prefix text not null,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_org_idx on api_keys (org_id);

-- The current state of each technician, kept beside the log so a change can lock the row (two nodes
-- never write two offline events for one disconnect). last_seen_at is refreshed by every node that
-- holds a live connection of the user; a minute without it means offline.
create table agent_states (
  user_id uuid primary key,
  org_id uuid not null references orgs(id),
  state text not null check (state in ('available', 'busy', 'on_call', 'wrap_up', 'away', 'offline')),
  since timestamptz not null,
  last_seen_at timestamptz
);
create index agent_states_sweep_idx on agent_states (last_seen_at) where state <> 'offline';

create table metric_settings (
  org_id uuid primary key references orgs(id),
  settings jsonb not null,
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

-- The engine's folded state. high_seq is the highest seq folded; gaps are lower seqs not yet seen
-- (late commits or rolled-back inserts) with the snapshot xmax after which they are settled.
create table metric_checkpoints (
  name text primary key,
  high_seq bigint not null,
  gaps jsonb not null default '[]',
  event_count bigint not null,
  state bytea not null,
  saved_at timestamptz not null default now()
);

-- The technician cabinet reads "my events today".
create index events_org_actor_at_idx on events (org_id, actor_id, at) where actor_id is not null;

-- One notification per writing statement, delivered at commit: every node's engine folds at once
-- instead of waiting for its safety poll. Writers need not remember to notify.
create function caseroom_events_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('caseroom_events', '');
  return null;
end;
$$;
create trigger events_notify after insert on events for each statement execute function caseroom_events_notify();
