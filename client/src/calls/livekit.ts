// LiveKit: the SFU carries the media; our server minted the token whose grants fit this participant's
// mode. Visibility follows the participants' attributes (kind, mode), which the server sets: the
// customer's page draws no monitoring or whispering supervisor. A whisperer publishes its microphone
// with track subscription permissions that admit the technicians only, which the SFU enforces.
import { createSignal } from "solid-js";
import { Room, RoomEvent, Track, type LocalTrackPublication, type RemoteParticipant } from "livekit-client";
import type { CallJoin, CallMode, CallParticipantKind } from "@caseroom/shared";
import { summarise, type CallTransport, type LocalMedia, type PeerStats, type RemotePeer } from "./transport.ts";

const hiddenModes = new Set<string>(["monitor", "whisper"]);

export function livekitTransport(join: CallJoin, local: LocalMedia, selfKind: CallParticipantKind): CallTransport {
  const room = new Room({ adaptiveStream: true, dynacast: true });
  const [peers, setPeers] = createSignal<RemotePeer[]>([]);
  const [mode, setMode] = createSignal<CallMode>(join.mode);
  const [ended, setEnded] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const published: LocalTrackPublication[] = [];

  const describe = (p: RemoteParticipant): RemotePeer => {
    const kind = p.attributes.kind as CallParticipantKind | undefined;
    const pmode = p.attributes.mode as CallMode | undefined;
    const visible = !(pmode && hiddenModes.has(pmode)) || selfKind !== "customer";
    const tracks = [...p.trackPublications.values()].flatMap((pub) => (pub.track?.mediaStreamTrack ? [pub.track.mediaStreamTrack] : []));
    return { id: p.identity, visible, kind, mode: pmode, stream: new MediaStream(tracks) };
  };
  const refresh = () => setPeers([...room.remoteParticipants.values()].map(describe));

  async function publishForMode() {
    for (const pub of published.splice(0)) if (pub.track) await room.localParticipant.unpublishTrack(pub.track, false);
    const m = mode();
    if (m === "monitor") return;
    const audio = local.audio();
    if (audio) published.push(await room.localParticipant.publishTrack(audio, { source: Track.Source.Microphone }));
    const video = local.video();
    if (video && m !== "whisper") published.push(await room.localParticipant.publishTrack(video, { source: Track.Source.Camera }));
    if (m === "whisper") {
      const technicians = [...room.remoteParticipants.values()].filter((p) => p.attributes.kind === "technician");
      room.localParticipant.setTrackSubscriptionPermissions(false, technicians.map((p) => ({ participantIdentity: p.identity, allowAll: true })));
    } else {
      room.localParticipant.setTrackSubscriptionPermissions(true);
    }
  }

  for (const ev of [RoomEvent.ParticipantConnected, RoomEvent.ParticipantDisconnected, RoomEvent.TrackSubscribed, RoomEvent.TrackUnsubscribed, RoomEvent.ParticipantAttributesChanged]) {
    room.on(ev, () => {
      refresh();
      // A technician arriving while we whisper must be let in to our microphone.
      if (mode() === "whisper" && ev === RoomEvent.ParticipantConnected) void publishForMode();
    });
  }
  room.on(RoomEvent.Disconnected, () => setEnded(true));

  void (async () => {
    try {
      await room.connect(join.url!, join.token!);
      await publishForMode();
      refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : "connect failed");
    }
  })();

  return {
    peers,
    mode,
    ended,
    error,
    localChanged: () => void publishForMode(),
    async modeChanged(next) {
      setMode(next);
      await publishForMode();
    },
    async stats() {
      const out = new Map<string, PeerStats>();
      for (const p of room.remoteParticipants.values()) {
        let total: PeerStats = { audioBytesIn: 0, videoBytesIn: 0, rttMs: undefined, loss: 0 };
        for (const pub of p.trackPublications.values()) {
          const report = await pub.track?.getRTCStatsReport();
          if (!report) continue;
          const s = summarise(report);
          total = { audioBytesIn: total.audioBytesIn + s.audioBytesIn, videoBytesIn: total.videoBytesIn + s.videoBytesIn, rttMs: s.rttMs ?? total.rttMs, loss: Math.max(total.loss, s.loss) };
        }
        out.set(p.identity, total);
      }
      return out;
    },
    close: () => void room.disconnect(),
  };
}
