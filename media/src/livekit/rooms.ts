// Rooms on the LiveKit server through its RoomService (Twirp). One room per call, created when the call
// starts and deleted when it ends, so nobody lingers in a finished call.
import { RoomServiceClient } from "livekit-server-sdk";
import { permissionFor, roomNameFor, type LivekitMode } from "./grants.ts";

export interface LivekitRooms {
  create(callId: string): Promise<string>;
  close(callId: string): Promise<void>;
  /** Switches a supervisor's permissions live (monitor → whisper → barge) without a new token. */
  setMode(callId: string, participantId: string, mode: LivekitMode): Promise<void>;
}

export function livekitRooms(opts: { url: string; apiKey: string; apiSecret: string; requestTimeoutS?: number }): LivekitRooms {
  const client = new RoomServiceClient(opts.url, opts.apiKey, opts.apiSecret, { requestTimeout: opts.requestTimeoutS ?? 10 });
  return {
    async create(callId) {
      const name = roomNameFor(callId);
      // A call empties out quickly once everybody hangs up; the room then closes itself too.
      await client.createRoom({ name, emptyTimeout: 5 * 60, departureTimeout: 60, maxParticipants: 16 });
      return name;
    },
    async close(callId) {
      await client.deleteRoom(roomNameFor(callId));
    },
    async setMode(callId, participantId, mode) {
      const { hidden, ...rest } = permissionFor(mode);
      await client.updateParticipant(roomNameFor(callId), participantId, {
        permission: { ...rest, hidden },
        attributes: { mode },
      });
    },
  };
}
