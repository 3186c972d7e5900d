// Speech-to-text: one engine chosen from configuration, or a plain "off" that says how to turn it on.
import { deepgramEngine } from "./deepgram.ts";
import { openAiCompatibleEngine } from "./openaiCompatible.ts";
import type { SttEngine, SttOff } from "./types.ts";

export * from "./types.ts";
export { deepgramEngine, type DeepgramEngineOptions } from "./deepgram.ts";
export { openAiCompatibleEngine, type OpenAiCompatibleOptions } from "./openaiCompatible.ts";
export { VadSegmenter, type Utterance, type VadOptions } from "./vad.ts";
export { wavFromPcm16, readWav, resample, samplesOf } from "./pcm.ts";

export interface SttConfig {
  deepgram?: { apiKey: string; baseUrl?: string; model?: string; language?: string };
  openAiCompatible?: { baseUrl: string; apiKey?: string; model?: string; language?: string };
}

export const TRANSCRIPTION_OFF_HINT = "Set DEEPGRAM_API_KEY (Deepgram live streaming) or STT_BASE_URL (an OpenAI-compatible transcription endpoint, e.g. a self-hosted Whisper server) and restart.";

/** Deepgram when its key is set (true live streaming), else the OpenAI-compatible endpoint, else off. */
export function createStt(config: SttConfig): SttEngine | SttOff {
  if (config.deepgram) return deepgramEngine(config.deepgram);
  if (config.openAiCompatible) return openAiCompatibleEngine(config.openAiCompatible);
  return { name: "off", howToEnable: TRANSCRIPTION_OFF_HINT };
}

export function isSttOn(stt: SttEngine | SttOff): stt is SttEngine {
  return stt.name !== "off";
}
