// Transcription benchmark (issue 7; prints figures, not a test). A speaker's "microphone" is an
// espeak-ng track of 20 phrases with known pause positions, streamed over socket.io from Node clients
// at real-time pace in 40 ms frames (as the browser sends them: the browser's AudioWorklet itself is
// not in the loop). The Deepgram fake (the real @deepgram/sdk talks to it) answers each phrase a fixed
// 150 ms after the phrase's last audio reached it: that 150 ms is the reference, the engine's own
// time. We measure, at the technician's socket, the latency from the end of each spoken phrase (the
// moment its last sample would have been captured) to its final segment, and report our overhead
// (latency minus the engine's 150 ms) p50/p99, split into the audio path (capture frame, socket.io,
// server, SDK) and the result path (SDK, event stored, pushed). Also the server's CPU and memory per
// active transcribed speaker at 1, 5 and 10 speakers streaming at once.
//
// Run:   node --import tsx bench/media/run.ts [--speakers 1,5,10] [--phrases 20] [--db postgres,pglite] [--no-write]
// The server runs as its own process (server/src/main.ts) so its CPU and memory are its own; every
// connection is to 127.0.0.1; the run is bounded by --max-minutes (default 8).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import postgres from "postgres";
import { FakeDeepgram } from "../../media/src/stt/testing/fakeDeepgram.ts";
import { speechTrack, type SpeechTrack } from "../../media/src/stt/testing/speech.ts";
import { spawnServer, type ServerProcess } from "../../tests/helpers/process.ts";
import { loginAs, type ApiClient } from "../../tests/helpers/server.ts";
import { connectTranscript, joinTranscript, type TranscriptClient } from "../../tests/helpers/transcript.ts";

const argv = process.argv.slice(2);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SPEAKERS = (option("speakers") ?? "1,5,10").split(",").map(Number).filter((n) => n > 0);
const PHRASES = Number(option("phrases") ?? 20);
const DBS = (option("db") ?? "postgres,pglite").split(",").filter((d): d is "postgres" | "pglite" => d === "postgres" || d === "pglite");
const MAX_MINUTES = Number(option("max-minutes") ?? 15);
const WRITE = !argv.includes("--no-write");
const REPLY_MS = 150;
const FRAME_MS = 40;
const KEY = "bench-deepgram-key";

const phraseTexts = [
  "My printer shows a paper jam",
  "I already restarted it twice",
  "The light on the router is orange",
  "Can you reset my password please",
  "The invoice total looks wrong",
  "My laptop will not turn on",
  "The screen flickers after an update",
  "I cannot log in to the portal",
  "The scanner saves blank pages",
  "Email stopped syncing this morning",
  "The headset has no sound",
  "Please cancel my last order",
  "The app crashes when I upload",
  "My account was charged twice",
  "The Wi-Fi drops every hour",
  "I need a copy of the contract",
  "The battery drains very fast",
  "The meeting link does not open",
  "The delivery address is outdated",
  "Thank you that solved it",
];

const deadline = Date.now() + MAX_MINUTES * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "n/a");

function procStats(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return { cpuS: ticks / 100, rssMb: rssKb / 1024 };
}

interface Speaker {
  callId: string;
  t: TranscriptClient;
  offsetMs: number;
}

interface Result {
  db: "postgres" | "pglite";
  speakers: number;
  latencies: number[];
  audioPath: number[];
  resultPath: number[];
  engine: number[];
  missing: number;
  cpuPct: number;
  rssMb: number;
  /** The bench process's own event-loop delay during the round (ms). */
  benchLagP99: number;
  benchLagMax: number;
}

async function run(DB: "postgres" | "pglite", results: Result[]): Promise<SpeechTrack> {
  console.log(`media bench on ${DB}: ${PHRASES} phrases per speaker, speakers ${SPEAKERS.join(", ")}, Deepgram fake at ${REPLY_MS} ms; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const track: SpeechTrack = speechTrack(
    Array.from({ length: PHRASES }, (_, i) => phraseTexts[i % phraseTexts.length]!),
    { pausesMs: [700, 900, 800, 1100], leadMs: 500, trailMs: 1200 },
  );
  console.log(`track: ${(track.durationMs / 1000).toFixed(1)} s of espeak-ng speech, phrase ends at ${track.phrases.map((p) => p.endMs).join(", ")} ms`);
  const pcm = new Uint8Array(track.samples.buffer);
  const fake = await new FakeDeepgram({
    apiKey: KEY,
    replyDelayMs: REPLY_MS,
    utteranceEndsMs: track.phrases.map((p) => p.endMs),
    script: track.phrases.map((_, i) => `phrase ${i}`),
    interimEveryMs: 250,
  }).listen();
  // The fake's own timing, per connection and phrase: when the phrase's end reached it, when it answered.
  const fakeTimes = new Map<string, { endAt?: number; sentAt?: number }>();
  fake.on("utteranceEnd", (e: { connection: number; index: number; at: number }) => fakeTimes.set(`${e.connection}:${e.index}`, { endAt: e.at }));
  fake.on("final", (e: { connection: number; index: number; at: number }) => {
    const t = fakeTimes.get(`${e.connection}:${e.index}`);
    if (t) t.sentAt = e.at;
  });

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "caseroom-media-bench-"));
  const env: Record<string, string> = { DATA_DIR: dataDir, DEEPGRAM_API_KEY: KEY, DEEPGRAM_BASE_URL: fake.url, LOG_LEVEL: "warn", SESSION_SECRET: "bench-secret-bench-secret-bench-secret-01" };
  // PostgreSQL: a database of the bench's own, created and dropped here, so no test data is touched.
  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const benchDb = `caseroom_media_bench_${process.pid}`;
  if (DB === "postgres") {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${benchDb}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${benchDb}`;
    env.DATABASE_URL = url.toString();
  }
  const server: ServerProcess = await spawnServer(env, { timeoutMs: 180_000 });
  const pid = server.child.pid!;
  try {
    const tech: ApiClient = await loginAs(server.url, "tech1@caseroom.local");
    const tickets = (await tech.get("/api/tickets")).body.tickets as { id: string }[];
    const max = Math.max(...SPEAKERS);
    // A ticket has one call at a time: make enough tickets for one call per speaker.
    while (tickets.length < max) tickets.push((await tech.post("/api/tickets", { title: `Bench ticket ${tickets.length + 1}`, priority: "normal" })).body.ticket);
    const listener = await connectTranscript(server.url, tech.cookie);
    // One call per speaker (the mesh holds four at most): the technician speaks in each. Fresh calls
    // every round, so every speaker gets a fresh speech-to-text session.
    const startCalls = async (n: number) => {
      const ids: string[] = [];
      for (const ticket of tickets.slice(0, n)) ids.push((await tech.post(`/api/tickets/${ticket.id}/call`)).body.call.id);
      for (const callId of ids) {
        const ack = await joinTranscript(listener, callId);
        if (!ack.ok || ack.data.status.engine !== "deepgram") throw new Error(`join failed: ${JSON.stringify(ack)}`);
      }
      return ids;
    };
    await sleep(1000);
    const idle0 = procStats(pid);
    await sleep(3000);
    const idle1 = procStats(pid);
    const idleCpuPct = ((idle1.cpuS - idle0.cpuS) / 3) * 100;
    console.log(`idle server: CPU ${f1(idleCpuPct)} % of a core, RSS ${f1(idle1.rssMb)} MB`);

    for (const n of SPEAKERS) {
      if (Date.now() > deadline) break;
      const callIds = await startCalls(n);
      const connectionsBefore = fake.connections;
      const speakers: Speaker[] = [];
      for (let i = 0; i < n; i++) speakers.push({ callId: callIds[i]!, t: await connectTranscript(server.url, tech.cookie), offsetMs: i * 137 });
      const seenBefore = listener.segments.length;
      // The bench's own event loop (clients and the fake) can lag on a busy machine: measured, reported.
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const started = performance.now();
      const sentAt: number[][] = speakers.map(() => []);
      let sample: { cpu0: ReturnType<typeof procStats>; cpu1?: ReturnType<typeof procStats>; at0: number; at1?: number } | undefined;
      // Each speaker streams in real time from its own start (staggered so phrase ends do not coincide).
      await Promise.all(
        speakers.map(async (s, si) => {
          await sleep(s.offsetMs);
          const t0 = performance.now();
          const frameBytes = (16_000 * 2 * FRAME_MS) / 1000;
          for (let off = 0, k = 0; off < pcm.byteLength; off += frameBytes, k++) {
            const due = t0 + (k + 1) * FRAME_MS; // a frame leaves once its last sample is captured
            const wait = due - performance.now();
            if (wait > 0) await sleep(wait);
            s.t.socket.emit("transcript:audio", { callId: s.callId, pcm: pcm.slice(off, Math.min(pcm.byteLength, off + frameBytes)) });
            sentAt[si]![k] = performance.now();
            if (si === 0 && !sample && performance.now() - started > 3000) sample = { cpu0: procStats(pid), at0: performance.now() };
            if (si === 0 && sample && !sample.cpu1 && off + 2 * frameBytes >= pcm.byteLength) Object.assign(sample, { cpu1: procStats(pid), at1: performance.now() });
          }
          (s as Speaker & { t0: number }).t0 = t0;
        }),
      );
      // Every phrase's final, or give up after the engine's time plus two seconds.
      const expected = n * track.phrases.length;
      const finals = () => listener.segments.slice(seenBefore).filter((x) => x.isFinal && callIds.slice(0, n).includes(x.callId));
      const waitUntil = performance.now() + 2000 + REPLY_MS;
      while (finals().length < expected && performance.now() < waitUntil) await sleep(20);
      const arrivals = listener.arrivals;
      loop.disable();
      const r: Result = { db: DB, speakers: n, latencies: [], audioPath: [], resultPath: [], engine: [], missing: 0, cpuPct: NaN, rssMb: NaN, benchLagP99: loop.percentile(99) / 1e6, benchLagMax: loop.max / 1e6 };
      speakers.forEach((s, si) => {
        const t0 = (s as Speaker & { t0: number }).t0;
        const connection = connectionsBefore + si;
        track.phrases.forEach((p, pi) => {
          const seg = finals().find((x) => x.callId === s.callId && x.text === `phrase ${pi}`);
          const arrived = seg && arrivals.get(seg.id);
          if (!seg || arrived === undefined) return void r.missing++;
          const spokenEnd = t0 + p.endMs; // when the phrase's last sample was captured
          const frame = Math.ceil(p.endMs / FRAME_MS) - 1;
          const fakeT = fakeTimes.get(`${connection}:${pi}`);
          r.latencies.push(arrived - spokenEnd);
          if (fakeT?.endAt !== undefined && fakeT.sentAt !== undefined) {
            r.audioPath.push(fakeT.endAt - spokenEnd);
            r.engine.push(fakeT.sentAt - fakeT.endAt);
            r.resultPath.push(arrived - fakeT.sentAt);
          }
          void sentAt[si]![frame];
        });
      });
      if (sample?.cpu1 && sample.at1) {
        r.cpuPct = ((sample.cpu1.cpuS - sample.cpu0.cpuS) / ((sample.at1 - sample.at0) / 1000)) * 100;
        r.rssMb = sample.cpu1.rssMb;
      }
      const over = r.latencies.map((l) => l - REPLY_MS);
      console.log(
        `${n} speaker(s): ${r.latencies.length}/${expected} finals; overhead p50 ${f1(pct(over, 50))} ms, p99 ${f1(pct(over, 99))} ms ` +
          `(audio path p50 ${f1(pct(r.audioPath, 50))} / p99 ${f1(pct(r.audioPath, 99))}; result path p50 ${f1(pct(r.resultPath, 50))} / p99 ${f1(pct(r.resultPath, 99))}; ` +
          `fake's own delay p50 ${f1(pct(r.engine, 50))}; bench loop lag p99 ${f1(r.benchLagP99)} max ${f1(r.benchLagMax)}); server CPU ${f1(r.cpuPct)} % of a core, RSS ${f1(r.rssMb)} MB`,
      );
      results.push(r);
      for (const s of speakers) s.t.socket.close();
      // Ending the calls closes their sessions; the next round starts clean.
      for (const callId of callIds) await tech.post(`/api/calls/${callId}/end`);
      await sleep(1500);
      (results as (Result & { idleCpuPct?: number; idleRssMb?: number })[]).at(-1)!.idleCpuPct = idleCpuPct;
      (results as (Result & { idleCpuPct?: number; idleRssMb?: number })[]).at(-1)!.idleRssMb = idle1.rssMb;
    }
    listener.socket.close();
  } finally {
    await server.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (DB === "postgres") {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${benchDb} with (force)`);
      await admin.end();
    }
  }
  return track;
}

function report(results: (Result & { idleCpuPct?: number; idleRssMb?: number })[], load0: number[], load1: number[], track: SpeechTrack) {
  const dbName = (db: Result["db"]) => (db === "pglite" ? "PGlite (embedded)" : "PostgreSQL");
  const rows = results.map((r) => {
    const over = r.latencies.map((l) => l - REPLY_MS);
    const cpuPer = (r.cpuPct - (r.idleCpuPct ?? 0)) / r.speakers;
    const rssPer = (r.rssMb - (r.idleRssMb ?? 0)) / r.speakers;
    return `| ${dbName(r.db)} | ${r.speakers} | ${r.latencies.length}/${r.latencies.length + r.missing} | ${f1(pct(r.latencies, 50))} / ${f1(pct(r.latencies, 99))} | **${f1(pct(over, 50))} / ${f1(pct(over, 99))}** | ${f1(pct(r.latencies, 99) / REPLY_MS)}× | ${f1(pct(r.audioPath, 50))} / ${f1(pct(r.audioPath, 99))} | ${f1(pct(r.resultPath, 50))} / ${f1(pct(r.resultPath, 99))} | ${f1(pct(r.engine, 50))} | ${f1(r.benchLagP99)} / ${f1(r.benchLagMax)} | ${f1(r.cpuPct)} % (${f1(cpuPer)} % each) | ${f1(r.rssMb)} MB (${f1(rssPer)} MB each) |`;
  });
  const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
  const git = (() => {
    try {
      return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  })();
  const text = `# Transcription benchmark (bench/media)

Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC at ${git} on ${os.cpus().length} cores (${cpuModel}), shared with other work;
load average before ${load0.map((l) => l.toFixed(2)).join(" ")}, after ${load1.map((l) => l.toFixed(2)).join(" ")}.

What runs: the server as its own process (server/src/main.ts) with \`DEEPGRAM_API_KEY\` and \`DEEPGRAM_BASE_URL\` pointing at the
Deepgram fake (media/src/stt/testing/fakeDeepgram.ts), which the real \`@deepgram/sdk\` talks to. Each speaker is a Node socket.io
client streaming an espeak-ng track (${PHRASES} phrases, ${(track.durationMs / 1000).toFixed(1)} s, known pause positions) at real-time pace
in ${FRAME_MS} ms frames of 16 kHz PCM16 — what the browser's AudioWorklet sends; the browser itself is not in the loop. The fake answers
each phrase ${REPLY_MS} ms after the phrase's last audio reached it (the reference: the engine's own time). Latency runs from the moment the
phrase's last sample was captured (so it includes waiting for the ${FRAME_MS} ms frame to fill) to the final segment arriving at the
technician's socket — stored as an event first, then pushed.

| database | speakers | finals | latency p50 / p99 (ms) | **our overhead p50 / p99 (ms)** (latency − ${REPLY_MS}) | p99 / engine time | audio path p50 / p99 (ms) | result path p50 / p99 (ms) | fake's own delay p50 (ms) | bench loop lag p99 / max (ms) | server CPU (of one core) | server RSS |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

Target: overhead under 100 ms at p99. Audio path: captured → the frame with the phrase's end reached the fake (frame fill, socket.io,
our handler and checks, the SDK's websocket). Result path: the fake sent the final → it reached the technician (the SDK, our session,
the event appended to the log, the socket.io push). The rest of the latency is the fake's own delay (its timer on this busy machine).
CPU and RSS per speaker subtract the idle server of the same run (${results.map((r) => `${dbName(r.db)} ${f1(r.idleCpuPct ?? NaN)} % CPU, ${f1(r.idleRssMb ?? NaN)} MB`).filter((x, i, a) => a.indexOf(x) === i).join("; ")}) and divide by the speakers.
Memory per speaker is below the noise of garbage collection: the server's RSS moves by tens to hundreds of MB between rounds
(PGlite's WebAssembly heap most of all), so a negative figure means RSS fell; what a session holds is its unacknowledged audio
(at most 60 s, 1.9 MB; in practice the few seconds since the last final) and the SDK's socket.
"Bench loop lag" is the bench process's own event-loop delay (it runs the clients and the fake): latency it adds is not the server's.
`;
  console.log("\n" + text);
  if (WRITE) writeFileSync(path.join(import.meta.dirname, "results.md"), text);
}

const load0 = os.loadavg();
const all: Result[] = [];
let track: SpeechTrack | undefined;
for (const db of DBS) if (Date.now() < deadline) track = await run(db, all);
report(all, load0, os.loadavg(), track!);
process.exit(0);
