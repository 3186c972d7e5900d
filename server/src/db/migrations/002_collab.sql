-- Ticket documents (Yjs): every update is stored before it is relayed to anyone, then compacted
-- into a snapshot. Loading is the snapshot plus every update still in the table, in any order:
-- Yjs updates commute, so an update that commits late with a lower seq is never lost.
create table ticket_doc_updates (
  seq bigint generated always as identity primary key,
  ticket_id uuid not null references tickets(id),
  org_id uuid not null references orgs(id),
  update bytea not null,
  created_at timestamptz not null default now()
);
create index ticket_doc_updates_ticket_idx on ticket_doc_updates (ticket_id, seq);

create table ticket_doc_snapshots (
  ticket_id uuid primary key references tickets(id),
  org_id uuid not null references orgs(id),
  state bytea not null,
  updates_merged bigint not null default 0,
  updated_at timestamptz not null default now()
);
