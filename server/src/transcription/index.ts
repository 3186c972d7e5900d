// Live transcription of calls: audio in over the /transcript socket namespace, one speech-to-text
// session per speaker, interim segments pushed to staff in the call, finals stored on the ticket's
// timeline and pushed, captions for the customer when a technician turns them on.
import { TranscriptCallParamsSchema } from "@caseroom/shared";
import { createStt, isSttOn } from "@caseroom/media";
import type { Router } from "express";
import type { Server } from "socket.io";
import type { SessionStore } from "../auth/index.ts";
import { requireStaff } from "../auth/index.ts";
import type { Calls } from "../calls/index.ts";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { notFound, parseInput } from "../http/index.ts";
import type { Logger } from "../log.ts";
import { createTranscriptionHub } from "./hub.ts";
import { attachTranscriptNamespace } from "./socket.ts";
import { transcriptStore } from "./store.ts";

export { createTranscriptionHub, type Speaker, type TranscriptionHub } from "./hub.ts";
export { transcriptStore } from "./store.ts";

export interface TranscriptionDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, "stt">;
  sessions: SessionStore;
  calls: Pick<Calls, "participantOf" | "hooks" | "store">;
}

export function registerTranscription(router: Router, io: Server, deps: TranscriptionDeps) {
  const { stt: c } = deps.config;
  const stt = createStt({
    ...(c.deepgramApiKey ? { deepgram: { apiKey: c.deepgramApiKey, baseUrl: c.deepgramBaseUrl, model: c.deepgramModel, language: c.language } } : {}),
    ...(c.baseUrl ? { openAiCompatible: { baseUrl: c.baseUrl, apiKey: c.apiKey, model: c.model, language: c.language } } : {}),
  });
  const store = transcriptStore(deps.db);
  const log = deps.log.child({ module: "transcription" });
  const status = () => (isSttOn(stt) ? { engine: stt.name } : { engine: "off" as const, howToEnable: stt.howToEnable });
  let socket: ReturnType<typeof attachTranscriptNamespace> | undefined;
  const hub = isSttOn(stt) ? createTranscriptionHub({ stt, store, log, deliver: (segment) => socket?.deliver(segment) }) : undefined;
  socket = attachTranscriptNamespace(io, {
    sessions: deps.sessions,
    calls: {
      participantOf: (callId, principal) => deps.calls.participantOf(callId, principal),
      nameOf: async (callId, participantId) => (await deps.calls.store.participant(callId, participantId))?.name,
    },
    hub,
    store,
    status,
    log,
  });
  if (isSttOn(stt)) log.info({ engine: stt.name }, "transcription on");
  else log.info("transcription off: set DEEPGRAM_API_KEY or STT_BASE_URL");

  deps.calls.hooks.on("participant_left", (call, p) => {
    socket?.forget(call.id);
    void hub?.closeParticipant(call.id, p.id);
  });
  deps.calls.hooks.on("mode_changed", (call) => socket?.forget(call.id));
  deps.calls.hooks.on("ended", (call) => {
    void socket?.ended(call.id);
    void hub?.closeCall(call.id);
  });

  router.get("/api/calls/:id/transcript", async (req, res) => {
    const principal = requireStaff(req, "ticket:read");
    const { id } = parseInput(TranscriptCallParamsSchema, req.params, "call id");
    const call = await deps.calls.store.get(principal.orgId, id);
    if (!call) throw notFound("Call");
    res.json({ ...status(), segments: await store.list(principal.orgId, id) });
  });

  return {
    status,
    /** For voice notes (chat attachments): a recorded clip to text, or undefined when transcription is off. */
    transcribeClip: isSttOn(stt) ? (audio: Uint8Array, mimeType: string) => stt.transcribeClip(audio, mimeType) : undefined,
    get activeSessions() {
      return hub?.activeSessions ?? 0;
    },
    async close() {
      await hub?.close();
      if (isSttOn(stt)) await stt.close();
    },
  };
}
export type Transcription = ReturnType<typeof registerTranscription>;
