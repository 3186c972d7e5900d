// Calls in tests: a signalling socket on the /calls namespace, and reading call events back.
import type { CallClientToServerEvents, CallPlan, CallServerToClientEvents, CallSignalIn } from "@caseroom/shared";
import type { Socket } from "socket.io-client";
import type { Queryable } from "../../server/src/db/index.ts";
import { connectSocket } from "./sockets.ts";

export type CallSocket = Socket<CallServerToClientEvents, CallClientToServerEvents> & { plans: CallPlan[]; signals: CallSignalIn[]; ended: string[] };

/** A socket on /calls that records every plan, signal and end it receives. */
export async function connectCallSocket(url: string, cookie: string | undefined): Promise<CallSocket> {
  const got = { plans: [] as CallPlan[], signals: [] as CallSignalIn[], ended: [] as string[] };
  const socket = (await connectSocket(`${url}/calls`, cookie, {
    listen: (s) => {
      const cs = s as unknown as Socket<CallServerToClientEvents, CallClientToServerEvents>;
      cs.on("call:plan", (p) => got.plans.push(p));
      cs.on("call:signal", (p) => got.signals.push(p));
      cs.on("call:ended", (p) => got.ended.push(p.callId));
    },
  })) as unknown as CallSocket;
  return Object.assign(socket, got);
}

export async function callEvents(db: Queryable, callId: string) {
  return db.query<{ type: string; actor_id: string | null; ticket_id: string | null; data: Record<string, unknown> }>(
    "select type, actor_id, ticket_id, data from events where call_id = $1 order by seq",
    [callId],
  );
}

export const lastPlan = (s: CallSocket) => s.plans.at(-1);
