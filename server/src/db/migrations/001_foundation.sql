-- Organisations, staff, teams, sessions, tickets, knowledge base and the append-only event log.
-- Every row carries org_id: several companies share one deployment and never see each other's data.

create table orgs (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null unique,
  locale text not null default 'en' check (locale in ('en', 'ru')),
  time_zone text not null default 'UTC',
  -- Text-search configuration for this organisation's language (english / russian).
  search_config regconfig not null default 'english',
  ticket_counter int not null default 0,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  email text not null,
  name text not null,
  role text not null check (role in ('admin', 'supervisor', 'technician')),
  password_hash text not null,
  locale text check (locale in ('en', 'ru')),
  disabled_at timestamptz,
  created_at timestamptz not null default now()
);
-- Login is by e-mail alone, so an address belongs to one account across all organisations.
create unique index users_email_key on users (lower(email));
create index users_org_idx on users (org_id);

create table teams (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  name text not null,
  created_at timestamptz not null default now(),
  unique (org_id, name)
);

create table team_members (
  team_id uuid not null references teams(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  org_id uuid not null references orgs(id),
  primary key (team_id, user_id)
);
create index team_members_user_idx on team_members (user_id);

-- A session belongs to a staff user or (later) to a guest confined to one ticket.
-- Only a keyed hash of the cookie's token is stored, so a database leak yields no usable session.
create table sessions (
  id text primary key,
  org_id uuid not null references orgs(id),
  user_id uuid references users(id) on delete cascade,
  guest_id uuid,
  ticket_id uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check ((user_id is not null and guest_id is null) or (user_id is null and guest_id is not null and ticket_id is not null))
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table tickets (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  number int not null,
  title text not null,
  description text not null default '',
  status text not null default 'new' check (status in ('new', 'open', 'pending', 'resolved', 'closed')),
  priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
  assignee_id uuid references users(id),
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search_config regconfig not null default 'english',
  search tsvector generated always as (
    setweight(to_tsvector(search_config, title), 'A') || setweight(to_tsvector(search_config, description), 'B')
  ) stored,
  unique (org_id, number)
);
create index tickets_org_status_idx on tickets (org_id, status, updated_at desc);
create index tickets_org_assignee_idx on tickets (org_id, assignee_id);
create index tickets_search_idx on tickets using gin (search);

create table kb_articles (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  title text not null,
  body text not null,
  tags text[] not null default '{}',
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search_config regconfig not null default 'english',
  search tsvector generated always as (
    setweight(to_tsvector(search_config, title), 'A') || setweight(to_tsvector(search_config, body), 'B')
  ) stored
);
create index kb_articles_org_idx on kb_articles (org_id);
create index kb_articles_search_idx on kb_articles using gin (search);

-- The append-only log. seq orders it; id is the idempotency key. txid records the writing
-- transaction so consumers can tell when every lower seq has committed (late commits).
create table events (
  seq bigint generated always as identity primary key,
  id uuid not null unique,
  org_id uuid not null references orgs(id),
  type text not null,
  at timestamptz not null,
  actor_id uuid,
  ticket_id uuid,
  call_id uuid,
  data jsonb not null default '{}',
  recorded_at timestamptz not null default now(),
  txid xid8 not null default pg_current_xact_id()
);
create index events_org_seq_idx on events (org_id, seq);
create index events_ticket_idx on events (ticket_id, seq) where ticket_id is not null;
