// A call as this browser lives it: the local devices, the transport chosen by the server's join answer,
// and what the view shows (timer, stats). Other modules read `activeCall` (e.g. the transcript panel
// takes the microphone track from it).
import { createSignal } from "solid-js";
import type { Call, CallJoin, CallMode, CallParticipantKind } from "@caseroom/shared";
import { createLocalDevices, type LocalDevices } from "./media.ts";
import { meshTransport } from "./p2p.ts";
import type { CallTransport } from "./transport.ts";

export interface CallSession {
  call: Call;
  join: CallJoin;
  kind: CallParticipantKind;
  devices: LocalDevices;
  transport: CallTransport;
  /** When this browser joined (the view's timer counts from the call's start). */
  joinedAt: number;
  close(): void;
}

const [activeCall, setActiveCall] = createSignal<CallSession>();
export { activeCall };

/** Opens the devices this mode needs and connects. A supervisor starts with the microphone only. */
export async function startSession(call: Call, join: CallJoin, kind: CallParticipantKind, devices?: LocalDevices): Promise<CallSession> {
  const staffOnly = kind === "supervisor" || kind === "admin";
  const local = devices ?? createLocalDevices({ audio: true, video: !staffOnly || join.mode === "participant" });
  await local.open();
  // livekit-client is loaded only for LiveKit calls: the mesh needs none of its weight.
  const transport = join.transport === "livekit" ? (await import("./livekit.ts")).livekitTransport(join, local, kind) : meshTransport(call.id, join, local);
  local.listen(() => transport.localChanged());
  const session: CallSession = {
    call,
    join,
    kind,
    devices: local,
    transport,
    joinedAt: Date.now(),
    close() {
      transport.close();
      local.stop();
      if (activeCall() === session) setActiveCall(undefined);
    },
  };
  setActiveCall(session);
  return session;
}

export const isSupervisorMode = (mode: CallMode) => mode !== "participant";
