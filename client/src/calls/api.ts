import { z } from "zod";
import { CallJoinSchema, CallSchema, LiveCallSchema, type CallMode } from "@caseroom/shared";
import { request } from "../api.ts";

const JoinResponse = z.object({ call: CallSchema, join: CallJoinSchema });
const CurrentResponse = z.object({ call: CallSchema.nullable(), transport: z.enum(["livekit", "p2p"]) });

export const callApi = {
  current: (ticketId: string) => request("GET", `/api/tickets/${encodeURIComponent(ticketId)}/call`, CurrentResponse),
  start: (ticketId: string) => request("POST", `/api/tickets/${encodeURIComponent(ticketId)}/call`, JoinResponse, {}),
  join: (callId: string, mode?: CallMode) => request("POST", `/api/calls/${callId}/join`, JoinResponse, mode ? { mode } : {}),
  setMode: (callId: string, mode: Exclude<CallMode, "participant">) => request("POST", `/api/calls/${callId}/mode`, z.object({ mode: z.string() }), { mode }),
  leave: (callId: string) => request("POST", `/api/calls/${callId}/leave`, null, {}),
  end: (callId: string) => request("POST", `/api/calls/${callId}/end`, z.object({ call: CallSchema }), {}),
  live: () => request("GET", "/api/calls", z.object({ calls: z.array(LiveCallSchema) })),
};
