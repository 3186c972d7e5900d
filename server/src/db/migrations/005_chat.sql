-- Customer invites, guests, the chat of each ticket, read receipts and the website widget.
-- Every row carries org_id, like everything else; a guest is confined to one ticket.

-- An invite link's token is signed (HMAC) and only its SHA-256 is stored: a database leak yields no link.
create table invites (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  ticket_id uuid not null references tickets(id) on delete cascade,
  token_hash text not null unique,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by uuid references users(id)
);
create index invites_ticket_idx on invites (ticket_id);

-- Organisation-scoped public keys for the embeddable widget. The key is public by nature (it sits in
-- a company's web page); what protects it is the list of origins allowed to use it, and rate limits.
create table widget_keys (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  key text not null unique,
  name text not null,
  allowed_origins text[] not null,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index widget_keys_org_idx on widget_keys (org_id);

-- A customer who came in through an invite link (invite_id) or the widget (widget_key_id).
create table guests (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  ticket_id uuid not null references tickets(id) on delete cascade,
  invite_id uuid references invites(id) on delete cascade,
  widget_key_id uuid references widget_keys(id),
  name text not null,
  created_at timestamptz not null default now()
);
create index guests_ticket_idx on guests (ticket_id);
create index guests_invite_idx on guests (invite_id);
create index sessions_guest_idx on sessions (guest_id) where guest_id is not null;

-- One counter per ticket hands out the chat sequence under a row lock, so commits happen in seq order.
create table chat_counters (
  ticket_id uuid primary key references tickets(id) on delete cascade,
  org_id uuid not null references orgs(id),
  last_seq bigint not null default 0
);

-- id is the client-generated uuid: the idempotency key of a send. The attachments table joins on
-- id, org_id, ticket_id, visibility and deleted_at: keep those names.
create table messages (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  ticket_id uuid not null references tickets(id) on delete cascade,
  seq bigint not null,
  author_kind text not null check (author_kind in ('staff', 'guest', 'ai')),
  author_user_id uuid references users(id),
  author_guest_id uuid references guests(id) on delete set null,
  author_name text not null,
  visibility text not null check (visibility in ('public', 'internal')),
  text text not null,
  reply_to uuid,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  search tsvector generated always as (to_tsvector('simple', text)) stored,
  unique (ticket_id, seq),
  check (author_kind <> 'staff' or author_user_id is not null)
);
create index messages_search_idx on messages using gin (search);

-- Old text of every edit and deletion: the audit trail admins can read.
create table message_revisions (
  id bigint generated always as identity primary key,
  message_id uuid not null references messages(id) on delete cascade,
  org_id uuid not null references orgs(id),
  kind text not null check (kind in ('edit', 'delete')),
  old_text text not null,
  changed_by_kind text not null check (changed_by_kind in ('staff', 'guest')),
  changed_by uuid not null,
  changed_at timestamptz not null default now()
);
create index message_revisions_message_idx on message_revisions (message_id, id);

-- How far each participant has read a ticket's chat (read receipts).
create table message_reads (
  ticket_id uuid not null references tickets(id) on delete cascade,
  org_id uuid not null references orgs(id),
  participant_kind text not null check (participant_kind in ('staff', 'guest')),
  participant_id uuid not null,
  up_to_seq bigint not null,
  updated_at timestamptz not null default now(),
  primary key (ticket_id, participant_kind, participant_id)
);
