-- Attachments of a ticket's chat (photos, voice notes, video clips, files) and the audit trail of
-- who opened what. The bytes live in storage (a local folder or S3) under storage_key; only the
-- metadata we checked ourselves is kept here.

-- An attachment is uploaded first and claimed by a message when that message is sent
-- (server/src/attachments claimAttachments). Until then message_id is null and only its uploader
-- may claim it. No foreign key to messages: the chat tables come from another migration and an
-- attachment row must never block a message deletion; message_id is checked in code instead.
create table attachments (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id),
  ticket_id uuid not null references tickets(id),
  -- Exactly one uploader: a staff user or the guest (customer) of this ticket.
  uploader_user_id uuid references users(id),
  uploader_guest_id uuid,
  kind text not null check (kind in ('image', 'audio', 'video', 'file')),
  -- The type found in the content's magic bytes (or of the re-encoded image), never the client's.
  mime text not null,
  size bigint not null check (size >= 0),
  storage_key text not null unique,
  -- Sanitised for display and Content-Disposition: no path, no control characters, bounded length.
  original_name text not null,
  width int,
  height int,
  duration_ms int,
  thumbnail_key text,
  transcript text,
  -- off: no speech-to-text configured or not a voice note; pending: waiting; done; failed.
  transcript_status text not null default 'off' check (transcript_status in ('off', 'pending', 'done', 'failed')),
  message_id uuid,
  created_at timestamptz not null default now(),
  check ((uploader_user_id is not null) <> (uploader_guest_id is not null))
);
create index attachments_ticket_idx on attachments (org_id, ticket_id, created_at);
create index attachments_message_idx on attachments (message_id) where message_id is not null;

-- Append-only record of sensitive actions: attachment views and downloads, message edits and
-- deletions. Read by admins through GET /api/audit.
create table audit_log (
  id bigint generated always as identity primary key,
  org_id uuid not null references orgs(id),
  at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('user', 'guest', 'api_key', 'system')),
  actor_id uuid,
  action text not null,
  ticket_id uuid,
  attachment_id uuid,
  details jsonb not null default '{}'
);
create index audit_log_org_at_idx on audit_log (org_id, at);
create index audit_log_ticket_idx on audit_log (org_id, ticket_id, at) where ticket_id is not null;
