// The built-in peer-to-peer mesh. The server sends this peer its plan (call:plan): one link per other
// peer, saying what to send there and whether to show it. Each link is one RTCPeerConnection with two
// send-only transceivers of our own (audio, video) whose tracks are swapped with replaceTrack as the
// plan or the local devices change, so a mode switch never renegotiates. Offers and answers follow
// "perfect negotiation" (the polite side yields on a collision), relayed by the server.
import { createSignal } from "solid-js";
import { io, type Socket } from "socket.io-client";
import type { Ack, CallClientToServerEvents, CallJoin, CallLink, CallMode, CallPlan, CallServerToClientEvents, CallSignalIn } from "@caseroom/shared";
import { summarise, type CallTransport, type LocalMedia, type PeerStats, type RemotePeer } from "./transport.ts";

type SignalSocket = Socket<CallServerToClientEvents, CallClientToServerEvents>;

interface Link {
  info: CallLink;
  pc: RTCPeerConnection;
  stream: MediaStream;
  applySending(): void;
  onSignal(signal: CallSignalIn): Promise<void>;
  close(): void;
}

export function meshTransport(callId: string, join: CallJoin, local: LocalMedia): CallTransport {
  const socket: SignalSocket = io("/calls", { path: "/socket.io", withCredentials: true, transports: ["websocket", "polling"] });
  const links = new Map<string, Link>();
  const [peers, setPeers] = createSignal<RemotePeer[]>([]);
  const [mode, setMode] = createSignal<CallMode>(join.mode);
  const [ended, setEnded] = createSignal(false);
  const [error, setError] = createSignal<string>();

  const publish = () =>
    setPeers(
      [...links.values()].map((l) => ({ id: l.info.peerId, visible: l.info.visible, name: l.info.name, kind: l.info.kind, mode: l.info.mode, stream: l.stream })),
    );

  function createLink(info: CallLink): Link {
    const pc = new RTCPeerConnection({ iceServers: join.iceServers ?? [] });
    const audioTx = pc.addTransceiver("audio", { direction: "sendonly" });
    const videoTx = pc.addTransceiver("video", { direction: "sendonly" });
    let makingOffer = false;
    let ignoreOffer = false;
    let answerPending = false;
    const link: Link = {
      info,
      pc,
      stream: new MediaStream(),
      applySending() {
        void audioTx.sender.replaceTrack(link.info.sendAudio ? local.audio() : null).catch(() => {});
        void videoTx.sender.replaceTrack(link.info.sendVideo ? local.video() : null).catch(() => {});
      },
      async onSignal({ description, candidate }) {
        try {
          if (description) {
            const ready = !makingOffer && (pc.signalingState === "stable" || answerPending);
            const collision = description.type === "offer" && !ready;
            ignoreOffer = !link.info.polite && collision;
            if (ignoreOffer) return;
            answerPending = description.type === "answer";
            await pc.setRemoteDescription(description as RTCSessionDescriptionInit);
            answerPending = false;
            if (description.type === "offer") {
              await pc.setLocalDescription();
              send({ description: pc.localDescription!.toJSON() });
            }
          } else if (candidate) {
            try {
              await pc.addIceCandidate(candidate);
            } catch (err) {
              if (!ignoreOffer) throw err;
            }
          }
        } catch (err) {
          console.warn("call negotiation failed", err);
        }
      },
      close() {
        pc.close();
        for (const track of link.stream.getTracks()) track.stop();
      },
    };
    const send = (payload: { description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit }) =>
      socket.emit("call:signal", { callId, to: link.info.peerId, epoch: link.info.epoch, ...(payload as object) } as never);

    pc.ontrack = (ev) => {
      if (ev.transceiver === audioTx || ev.transceiver === videoTx) return;
      // A fresh stream object makes <video>/<audio> pick up the new track.
      link.stream = new MediaStream([...link.stream.getTracks().filter((t) => t.kind !== ev.track.kind), ev.track]);
      publish();
    };
    pc.onnegotiationneeded = async () => {
      try {
        makingOffer = true;
        await pc.setLocalDescription();
        send({ description: pc.localDescription!.toJSON() });
      } catch (err) {
        console.warn("call offer failed", err);
      } finally {
        makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) send({ candidate: candidate.toJSON() });
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === "failed") pc.restartIce();
    };
    link.applySending();
    return link;
  }

  function applyPlan(plan: CallPlan) {
    if (plan.callId !== callId) return;
    setMode(plan.self.mode);
    for (const [id, link] of links) {
      const next = plan.links.find((l) => l.peerId === id);
      // Gone, or the other side reconnected: this connection is dead either way.
      if (!next || next.epoch !== link.info.epoch) {
        link.close();
        links.delete(id);
      }
    }
    for (const info of plan.links) {
      const existing = links.get(info.peerId);
      if (existing) {
        existing.info = info;
        existing.applySending();
      } else {
        const link = createLink(info);
        links.set(info.peerId, link);
        const waiting = early.get(info.peerId)?.filter((s) => s.epoch === info.epoch) ?? [];
        early.delete(info.peerId);
        void waiting.reduce((done, s) => done.then(() => link.onSignal(s)), Promise.resolve());
      }
    }
    publish();
  }

  socket.on("connect", () => {
    socket.emit("call:attach", { callId }, (ack: Ack<CallPlan>) => {
      if (ack.ok) {
        setError(undefined);
        applyPlan(ack.data);
      } else setError(ack.error.code);
    });
  });
  socket.on("call:plan", applyPlan);
  // A peer that reconnected can signal its new link before our plan names it: such signals wait
  // here for the plan, instead of being fed to the dead link (which would swallow the new offer).
  const early = new Map<string, CallSignalIn[]>();
  socket.on("call:signal", (signal) => {
    if (signal.callId !== callId) return;
    const link = links.get(signal.from);
    if (signal.epoch && signal.epoch !== link?.info.epoch) {
      const waiting = (early.get(signal.from) ?? []).filter((s) => s.epoch === signal.epoch).slice(-50);
      early.set(signal.from, [...waiting, signal]);
      return;
    }
    void link?.onSignal(signal);
  });
  socket.on("call:ended", ({ callId: id }) => {
    if (id !== callId) return;
    setEnded(true);
    close();
  });

  function close() {
    for (const link of links.values()) link.close();
    links.clear();
    publish();
    socket.close();
  }

  return {
    peers,
    mode,
    ended,
    error,
    localChanged: () => {
      for (const link of links.values()) link.applySending();
    },
    // The server re-plans on a mode change and sends the new plan; nothing to do here.
    modeChanged: async (next) => void setMode(next),
    async stats() {
      const out = new Map<string, PeerStats>();
      await Promise.all([...links.values()].map(async (l) => out.set(l.info.peerId, summarise(await l.pc.getStats()))));
      return out;
    },
    close,
  };
}
