// The checks that need the whole file: images are decoded and re-encoded (which drops every
// metadata block, EXIF GPS included, after applying the EXIF orientation to the pixels) and get a
// thumbnail; audio and video are probed with ffprobe, refused when it finds no decodable stream.
import { execFile } from "node:child_process";
import sharp from "sharp";
import { AppError } from "../http/index.ts";

// One image at a time per process and no decoded-image cache: uploads must not balloon memory.
sharp.concurrency(1);
sharp.cache(false);

/** About 40 megapixels (e.g. 8000 × 5000): larger inputs are decompression bombs, not photos. */
const MAX_INPUT_PIXELS = 40_000_000;
const THUMBNAIL_PX = 320;
const PROBE_TIMEOUT_MS = 20_000;

export interface ReencodedImage {
  data: Buffer;
  mime: string;
  width: number;
  height: number;
  thumbnail: Buffer;
}

const notDecodable = (what: string) => new AppError("unsupported_media_type", `The ${what} could not be decoded`);

/** Re-encodes an image in its own format (GIF keeps its frames), orientation applied, no metadata kept. */
export async function reencodeImage(file: string, mime: string): Promise<ReencodedImage> {
  const animated = mime === "image/gif" || mime === "image/webp";
  try {
    // sharp writes no metadata unless asked (keepMetadata/withMetadata), so EXIF, XMP, IPTC and ICC go.
    const input = sharp(file, { limitInputPixels: MAX_INPUT_PIXELS, animated, failOn: "error" }).autoOrient();
    const encoded =
      mime === "image/png"
        ? input.png()
        : mime === "image/webp"
          ? input.webp({ quality: 85 })
          : mime === "image/gif"
            ? input.gif()
            : input.jpeg({ quality: 85, mozjpeg: true });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const height = info.pageHeight ?? info.height;
    const thumbnail = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS })
      .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { data, mime, width: info.width, height, thumbnail };
  } catch (err) {
    if (/pixel limit/i.test(String(err))) throw new AppError("payload_too_large", `Images may have at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels`);
    throw notDecodable("image");
  }
}

export interface Probe {
  hasVideo: boolean;
  hasAudio: boolean;
  durationMs: number | undefined;
  width?: number;
  height?: number;
}

interface FfprobeOutput {
  streams?: { codec_type?: string; width?: number; height?: number; duration?: string; disposition?: { attached_pic?: number } }[];
  format?: { duration?: string };
}

/** ffprobe's view of an audio or video file; 415 when it cannot read it or finds no stream. */
export async function probeMedia(file: string): Promise<Probe> {
  let out: string;
  try {
    out = await new Promise<string>((resolve, reject) =>
      execFile(
        "ffprobe",
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file],
        { timeout: PROBE_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new AppError("unavailable", "Audio and video cannot be checked: ffprobe is not installed (scripts/install-system-deps.sh)");
    }
    throw notDecodable("audio or video");
  }
  const parsed = JSON.parse(out) as FfprobeOutput;
  const streams = parsed.streams ?? [];
  // A cover picture in an audio file is a "video" stream; it does not make a video.
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const hasAudio = streams.some((s) => s.codec_type === "audio");
  if (!video && !hasAudio) throw notDecodable("audio or video");
  const seconds = Number(parsed.format?.duration ?? streams.find((s) => s.duration)?.duration);
  return {
    hasVideo: Boolean(video),
    hasAudio,
    durationMs: Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined,
    ...(video?.width && video.height ? { width: video.width, height: video.height } : {}),
  };
}

/** The MIME type of a probed file: an audio-only WebM/MP4/Ogg is audio, not video. */
export function avMime(detected: string, probe: Probe): { kind: "audio" | "video"; mime: string } {
  if (probe.hasVideo) return { kind: "video", mime: detected.replace(/^audio\//, "video/") };
  const audioOnly: Record<string, string> = { "video/webm": "audio/webm", "video/mp4": "audio/mp4", "video/ogg": "audio/ogg", "video/quicktime": "audio/mp4", "audio/x-m4a": "audio/mp4", "audio/opus": "audio/ogg" };
  return { kind: "audio", mime: audioOnly[detected] ?? detected };
}
