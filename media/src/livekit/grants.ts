// LiveKit access tokens whose grants follow the caller's place in the call. Identities and room names
// are ids only: LiveKit logs them, and names or e-mails must never end up there.
import { AccessToken, TrackSource, type VideoGrant } from "livekit-server-sdk";

export type LivekitMode = "participant" | "monitor" | "whisper" | "barge";
export type LivekitKind = "technician" | "supervisor" | "admin" | "customer";

export const roomNameFor = (callId: string) => `call_${callId}`;

/** What a participant may do in the room, by mode. Used for tokens and for live mode switches. */
export function permissionFor(mode: LivekitMode): { canPublish: boolean; canSubscribe: boolean; canPublishData: boolean; hidden: boolean; canPublishSources?: TrackSource[] } {
  switch (mode) {
    case "participant":
    case "barge":
      return { canPublish: true, canSubscribe: true, canPublishData: true, hidden: false };
    case "monitor":
      // Hidden: other participants are never told it is there; it can only listen and watch.
      return { canPublish: false, canSubscribe: true, canPublishData: false, hidden: true };
    case "whisper":
      // Publishes its microphone only. Hidden participants' tracks reach nobody, so a whisperer is
      // visible to the SFU but marked by its attributes; its client restricts the track's subscribers
      // to the technicians (setTrackSubscriptionPermissions), which the SFU enforces.
      return { canPublish: true, canSubscribe: true, canPublishData: false, hidden: false, canPublishSources: [TrackSource.MICROPHONE] };
  }
}

export interface TokenRequest {
  apiKey: string;
  apiSecret: string;
  callId: string;
  participantId: string;
  kind: LivekitKind;
  mode: LivekitMode;
  ttlS?: number;
}

export async function mintToken(r: TokenRequest): Promise<string> {
  const token = new AccessToken(r.apiKey, r.apiSecret, {
    identity: r.participantId,
    ttl: r.ttlS ?? 6 * 60 * 60,
    // Read by our client to decide who is shown to whom; ids and enums only.
    attributes: { kind: r.kind, mode: r.mode },
  });
  const p = permissionFor(r.mode);
  const grant: VideoGrant = {
    room: roomNameFor(r.callId),
    roomJoin: true,
    canPublish: p.canPublish,
    canSubscribe: p.canSubscribe,
    canPublishData: p.canPublishData,
    hidden: p.hidden,
    canUpdateOwnMetadata: false,
    ...(p.canPublishSources ? { canPublishSources: p.canPublishSources } : {}),
  };
  token.addGrant(grant);
  return token.toJwt();
}
