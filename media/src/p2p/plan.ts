// The peer-to-peer mesh's routing rules: for every pair of attached peers, which tracks one sends to the
// other and whether it shows the other at all. The server computes this and sends each peer only its
// own view; the signalling relay refuses messages between peers that share no link.
//
//   participant, barge  send audio and video to everyone (supervisors included, so they can follow)
//   whisper             sends its microphone to staff only (technicians and other supervisors)
//   monitor             sends nothing
//   A monitoring or whispering supervisor is invisible to the customer: the customer's view of that
//   link carries no kind, mode or name, and the customer's page does not draw it. (On the mesh the
//   customer's browser still connects to it, since its media has to reach the supervisor; LiveKit hides
//   such a participant in the SFU instead.)
import type { CallLink, CallMode, CallParticipantKind, CallPlan } from "@caseroom/shared";

export interface MeshPeer {
  peerId: string;
  kind: CallParticipantKind;
  mode: CallMode;
  name: string;
  /** Identifies the peer's current attachment (its socket); a new one means a fresh connection. */
  epoch: string;
}

const isStaff = (p: MeshPeer) => p.kind !== "customer";

/** What `from` sends to `to`. */
export function sends(from: MeshPeer, to: MeshPeer): { audio: boolean; video: boolean } {
  switch (from.mode) {
    case "participant":
    case "barge":
      return { audio: true, video: true };
    case "whisper":
      return { audio: isStaff(to), video: false };
    case "monitor":
      return { audio: false, video: false };
  }
}

/** Whether `viewer` is shown `other` (a tile, a name, a participant count). */
export function shows(viewer: MeshPeer, other: MeshPeer): boolean {
  if (other.mode === "monitor" || other.mode === "whisper") return isStaff(viewer);
  return true;
}

export function linked(a: MeshPeer, b: MeshPeer): boolean {
  const ab = sends(a, b);
  const ba = sends(b, a);
  return ab.audio || ab.video || ba.audio || ba.video;
}

/** Each peer's own view of the mesh. */
export function planMesh(callId: string, peers: readonly MeshPeer[]): Map<string, CallPlan> {
  const plans = new Map<string, CallPlan>();
  for (const self of peers) {
    const links: CallLink[] = [];
    for (const other of peers) {
      if (other.peerId === self.peerId || !linked(self, other)) continue;
      const out = sends(self, other);
      const visible = shows(self, other);
      links.push({
        peerId: other.peerId,
        epoch: [self.epoch, other.epoch].sort().join(":"),
        polite: self.peerId < other.peerId,
        sendAudio: out.audio,
        sendVideo: out.video,
        visible,
        ...(visible ? { kind: other.kind, mode: other.mode, name: other.name } : {}),
      });
    }
    plans.set(self.peerId, { callId, self: { peerId: self.peerId, mode: self.mode, kind: self.kind }, links });
  }
  return plans;
}
