// This browser's microphone, camera and screen: opened once for the call, switched between devices,
// muted by disabling the track (the peers keep their connection and simply get silence or black).
import { createSignal } from "solid-js";

export interface LocalDevices {
  audio(): MediaStreamTrack | null;
  /** The screen while sharing, else the camera. */
  video(): MediaStreamTrack | null;
  camera(): MediaStreamTrack | null;
  micOn(): boolean;
  camOn(): boolean;
  sharing(): boolean;
  devices(): MediaDeviceInfo[];
  open(): Promise<void>;
  toggleMic(): void;
  toggleCam(): void;
  switchDevice(kind: "audioinput" | "videoinput", deviceId: string): Promise<void>;
  shareScreen(): Promise<void>;
  stopSharing(): void;
  stop(): void;
  /** Told whenever the tracks to send change (device switch, screen share on or off). */
  listen(onChange: () => void): void;
}

export function createLocalDevices(want: { audio: boolean; video: boolean }): LocalDevices {
  let onChange: () => void = () => {};
  const [audio, setAudio] = createSignal<MediaStreamTrack | null>(null);
  const [camera, setCamera] = createSignal<MediaStreamTrack | null>(null);
  const [screen, setScreen] = createSignal<MediaStreamTrack | null>(null);
  const [micOn, setMicOn] = createSignal(true);
  const [camOn, setCamOn] = createSignal(true);
  const [devices, setDevices] = createSignal<MediaDeviceInfo[]>([]);

  const listDevices = async () => setDevices(await navigator.mediaDevices.enumerateDevices().catch(() => []));

  async function get(kind: "audio" | "video", deviceId?: string): Promise<MediaStreamTrack | null> {
    if (!navigator.mediaDevices?.getUserMedia) return null;
    const constraints: MediaStreamConstraints = kind === "audio" ? { audio: deviceId ? { deviceId: { exact: deviceId } } : true } : { video: deviceId ? { deviceId: { exact: deviceId } } : { width: 640, height: 360 } };
    try {
      return (await navigator.mediaDevices.getUserMedia(constraints)).getTracks()[0] ?? null;
    } catch (err) {
      console.warn(`no ${kind} device`, err);
      return null;
    }
  }

  return {
    audio,
    video: () => screen() ?? camera(),
    camera,
    micOn,
    camOn,
    sharing: () => screen() !== null,
    devices,
    async open() {
      if (want.audio && !audio()) setAudio(await get("audio"));
      if (want.video && !camera()) setCamera(await get("video"));
      await listDevices();
      onChange();
    },
    toggleMic() {
      const track = audio();
      if (!track) return;
      track.enabled = !track.enabled;
      setMicOn(track.enabled);
    },
    toggleCam() {
      const track = camera();
      if (!track) return;
      track.enabled = !track.enabled;
      setCamOn(track.enabled);
    },
    async switchDevice(kind, deviceId) {
      const next = await get(kind === "audioinput" ? "audio" : "video", deviceId);
      if (!next) return;
      const old = kind === "audioinput" ? audio() : camera();
      next.enabled = kind === "audioinput" ? micOn() : camOn();
      (kind === "audioinput" ? setAudio : setCamera)(next);
      old?.stop();
      onChange();
    },
    async shareScreen() {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true }).catch(() => null);
      const track = stream?.getVideoTracks()[0];
      if (!track) return;
      track.addEventListener("ended", () => {
        if (screen() === track) {
          setScreen(null);
          onChange();
        }
      });
      setScreen(track);
      onChange();
    },
    stopSharing() {
      screen()?.stop();
      setScreen(null);
      onChange();
    },
    listen(fn) {
      onChange = fn;
    },
    stop() {
      for (const t of [audio(), camera(), screen()]) t?.stop();
      setAudio(null);
      setCamera(null);
      setScreen(null);
    },
  };
}
