-- Calls on tickets and who was in them. One active call per ticket; a participant row is one stay in
-- the call by one principal (a staff user or the ticket's guest), and its id is the peer id / LiveKit
-- identity, so media-side names carry ids only.
create table calls (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  ticket_id uuid not null references tickets(id),
  status text not null default 'active' check (status in ('active', 'ended')),
  started_by uuid not null references users(id),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  transport text not null check (transport in ('livekit', 'p2p')),
  -- LiveKit room name (call_<id>); null on the peer-to-peer mesh.
  livekit_room text,
  check ((status = 'ended') = (ended_at is not null))
);
create unique index calls_one_active_per_ticket on calls (ticket_id) where status = 'active';
create index calls_org_active_idx on calls (org_id) where status = 'active';

create table call_participants (
  id uuid primary key,
  call_id uuid not null references calls(id),
  org_id uuid not null references orgs(id),
  user_id uuid references users(id),
  guest_id uuid,
  -- What the principal was when it joined: technician / supervisor / admin / customer.
  kind text not null check (kind in ('technician', 'supervisor', 'admin', 'customer')),
  mode text not null default 'participant' check (mode in ('participant', 'monitor', 'whisper', 'barge')),
  joined_at timestamptz not null default now(),
  left_at timestamptz,
  check ((user_id is not null) <> (guest_id is not null))
);
-- A principal is in a call at most once at a time; rejoining after a reload reuses the row.
create unique index call_participants_active_user on call_participants (call_id, user_id) where left_at is null and user_id is not null;
create unique index call_participants_active_guest on call_participants (call_id, guest_id) where left_at is null and guest_id is not null;
create index call_participants_call_idx on call_participants (call_id);
