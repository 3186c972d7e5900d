// A local server speaking the OpenAI audio transcription endpoint (POST /v1/audio/transcriptions,
// multipart with `file` and `model`), for tests of the real `openai` SDK against our adapter.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
  model: string;
  language: string | undefined;
  /** Length of the audio when it is a PCM16 WAV (what the live adapter sends). */
  wavDurationMs: number | undefined;
}

export interface FakeOpenAiSttOptions {
  apiKey?: string;
  /** Text for a received file; default `script` in order, cycling. */
  answer?: (file: ReceivedFile, index: number) => string;
  script?: string[];
  delayMs?: number;
}

export class FakeOpenAiStt {
  readonly http: Server;
  readonly received: ReceivedFile[] = [];
  /** Statuses to answer with before answering normally again (to test retries and errors). */
  failures: number[] = [];

  constructor(private readonly o: FakeOpenAiSttOptions = {}) {
    this.http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => void this.handle(req.method ?? "GET", req.url ?? "/", req.headers, Buffer.concat(chunks)).then(([status, body]) => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      }));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    return this;
  }
  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }
  async close(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private async handle(method: string, url: string, headers: import("node:http").IncomingHttpHeaders, body: Buffer): Promise<[number, unknown]> {
    const error = (status: number, message: string, type = "invalid_request_error") => [status, { error: { message, type, param: null, code: null } }] as [number, unknown];
    if (method !== "POST" || new URL(url, "http://fake").pathname !== "/v1/audio/transcriptions") return error(404, "Not found");
    if (this.o.apiKey && headers.authorization !== `Bearer ${this.o.apiKey}`) return error(401, "Incorrect API key provided");
    const failure = this.failures.shift();
    if (failure) return error(failure, "scripted failure", "server_error");
    let form: FormData;
    try {
      form = await new Request("http://fake/", { method: "POST", headers: { "content-type": String(headers["content-type"]) }, body: new Uint8Array(body) }).formData();
    } catch {
      return error(400, "Could not parse multipart form");
    }
    const file = form.get("file");
    const model = form.get("model");
    if (!(file instanceof File) || typeof model !== "string") return error(400, "file and model are required");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const isWav = String.fromCharCode(...bytes.subarray(0, 4)) === "RIFF";
    const received: ReceivedFile = {
      name: file.name,
      type: file.type,
      bytes,
      model,
      language: (form.get("language") as string | null) ?? undefined,
      wavDurationMs: isWav ? ((bytes.byteLength - 44) / 32_000) * 1000 : undefined,
    };
    const index = this.received.push(received) - 1;
    if (this.o.delayMs) await new Promise((r) => setTimeout(r, this.o.delayMs));
    const text = this.o.answer ? this.o.answer(received, index) : (this.o.script ?? ["hello"])[index % (this.o.script?.length ?? 1)]!;
    return [200, { text }];
  }
}
