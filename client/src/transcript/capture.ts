// Captures the local microphone track for transcription: Web Audio pulls it through the PCM worklet,
// which hands back 40 ms frames of 16 kHz PCM16. Frames are dropped while the track is muted, so a
// muted microphone sends nothing.
import { PCM_WORKLET_NAME, pcmWorkletSource } from "./worklet.ts";

export interface Capture {
  stop(): void;
}

export async function startCapture(track: MediaStreamTrack, onFrame: (pcm: ArrayBuffer) => void): Promise<Capture> {
  const context = new AudioContext();
  const url = URL.createObjectURL(new Blob([pcmWorkletSource], { type: "text/javascript" }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const source = context.createMediaStreamSource(new MediaStream([track]));
  // No outputs: the node is a sink that always runs, and nothing of it reaches the speakers.
  const node = new AudioWorkletNode(context, PCM_WORKLET_NAME, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: "explicit" });
  node.port.onmessage = (e: MessageEvent<ArrayBuffer>) => {
    if (track.enabled && track.readyState === "live") onFrame(e.data);
  };
  source.connect(node);
  // Autoplay rules may start the context suspended; a call begins with a click, so resume works.
  if (context.state === "suspended") await context.resume().catch(() => {});
  return {
    stop() {
      node.port.onmessage = null;
      source.disconnect();
      node.disconnect();
      void context.close().catch(() => {});
    },
  };
}
