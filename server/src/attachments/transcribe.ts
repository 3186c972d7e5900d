// Voice notes to text with the configured speech-to-text engine (media/src/stt transcribeClip).
// Runs after the upload has answered; the transcript lands on the attachment row, where message
// search reads it. Without an engine, voice notes stay "pending" and are picked up at the next
// start that has one.
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import type { ObjectStore } from "../storage/index.ts";

export type TranscribeClip = (audio: Uint8Array, mimeType: string) => Promise<string>;

export interface TranscriberDeps {
  db: Db;
  storage: ObjectStore;
  log: Logger;
  transcribeClip: TranscribeClip | undefined;
  /** Told when a transcript (or a failure) is stored, e.g. to push the change to the thread. */
  onTranscript?: (attachment: { id: string; orgId: string; ticketId: string; messageId: string | null; transcriptStatus: "done" | "failed" }) => void;
}

/** Voice notes are short: a longer recording is not sent to the engine at all. */
const MAX_CLIP_BYTES = 25 * 1024 * 1024;
/** At start, at most this many waiting voice notes are picked up. */
const RESUME_BATCH = 50;

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export function voiceNoteTranscriber(deps: TranscriberDeps) {
  const running = new Set<Promise<void>>();

  async function transcribe(id: string): Promise<void> {
    if (!deps.transcribeClip) return;
    const [row] = await deps.db.query<{ org_id: string; ticket_id: string; message_id: string | null; storage_key: string; mime: string; size: string }>(
      "select org_id, ticket_id, message_id, storage_key, mime, size from attachments where id = $1 and kind = 'audio' and transcript_status = 'pending'",
      [id],
    );
    if (!row) return;
    let status: "done" | "failed" = "failed";
    let text: string | null = null;
    try {
      if (Number(row.size) <= MAX_CLIP_BYTES) {
        const audio = await readAll(await deps.storage.get(row.storage_key));
        text = (await deps.transcribeClip(audio, row.mime)).trim();
        status = "done";
      }
    } catch (err) {
      deps.log.warn({ err: String(err), attachmentId: id }, "voice note transcription failed");
    }
    await deps.db.query("update attachments set transcript = $2, transcript_status = $3 where id = $1 and transcript_status = 'pending'", [id, text, status]);
    deps.onTranscript?.({ id, orgId: row.org_id, ticketId: row.ticket_id, messageId: row.message_id, transcriptStatus: status });
  }

  const track = (work: Promise<void>) => {
    const p = work.catch((err) => deps.log.warn({ err: String(err) }, "voice note transcription error")).finally(() => running.delete(p));
    running.add(p);
  };

  return {
    enabled: Boolean(deps.transcribeClip),
    /** Starts transcribing in the background. */
    start(id: string): void {
      if (deps.transcribeClip) track(transcribe(id));
    },
    /** Picks up voice notes left pending (no engine before, or a restart mid-way). */
    resumePending(): void {
      if (!deps.transcribeClip) return;
      track(
        (async () => {
          const rows = await deps.db.query<{ id: string }>(
            "select id from attachments where kind = 'audio' and transcript_status = 'pending' order by created_at limit $1",
            [RESUME_BATCH],
          );
          for (const { id } of rows) await transcribe(id);
        })(),
      );
    },
    /** Resolves when every started transcription has finished (tests, shutdown). */
    async idle(): Promise<void> {
      while (running.size) await Promise.all([...running]);
    },
  };
}
export type VoiceNoteTranscriber = ReturnType<typeof voiceNoteTranscriber>;
