// Reads server-sent events from a POST, the way the client does: named events with JSON data.
import type { ApiClient } from "./server.ts";

export interface SseEvent {
  event: string;
  data: any;
}

export interface SseResult {
  status: number;
  headers: Headers;
  /** For a refusal before the stream started: the JSON error body. */
  body?: any;
  events: SseEvent[];
  /** The deltas after the last `restart`, joined: the answer as a reader assembles it. */
  text: string;
}

/** Posts and collects every event until the stream ends; `onEvent` may abort through `signal`. */
export async function postSse(
  client: ApiClient,
  path: string,
  body: unknown,
  options: { signal?: AbortSignal; onEvent?: (event: SseEvent) => void } = {},
): Promise<SseResult> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (client.cookie) headers.cookie = client.cookie;
  const res = await fetch(client.baseUrl + path, { method: "POST", headers, body: JSON.stringify(body), signal: options.signal });
  const result: SseResult = { status: res.status, headers: res.headers, events: [], text: "" };
  if (!res.headers.get("content-type")?.startsWith("text/event-stream")) {
    const text = await res.text();
    result.body = text ? JSON.parse(text) : undefined;
    return result;
  }
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(part, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (!event || data === undefined) continue; // a heartbeat comment
        const parsed: SseEvent = { event, data: JSON.parse(data) };
        result.events.push(parsed);
        if (event === "delta") result.text += parsed.data.text;
        if (event === "restart") result.text = "";
        options.onEvent?.(parsed);
      }
    }
  } catch (err) {
    if (!options.signal?.aborted) throw err;
  }
  return result;
}
