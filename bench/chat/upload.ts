// Attachment upload benchmark (issue 6; prints figures, not a test): throughput of a 50 MB and a
// 10 MB upload through POST /api/tickets/:id/attachments, and the server's RSS during the upload,
// which must not grow with the file's size (target: growth under 32 MB). The server is the real
// entry point (server/src/main.ts, embedded PGlite, local storage) in its own process; RSS is read
// from /proc/<pid>/status (VmRSS) every 10 ms while the bytes flow.
// Reference, in the same run: a bare node:http server that streams the same multipart body to a
// file and answers 201 (no parsing, no checks, no database): the ceiling for "receive and store".
//
// Run:   node --import tsx bench/chat/upload.ts [--rounds 3] [--no-write]
// The uploads are files (a PDF header followed by filler) so that no decoder runs: this measures
// streaming and storing; the file limit is raised to 64 MB for the run. 127.0.0.1 only; bounded by
// --max-minutes (default 6).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const root = path.resolve(import.meta.dirname, "../..");
const MB = 1_000_000;
const SIZES = [10 * MB, 50 * MB];
const ROUNDS = option("rounds", 3);
const MAX_MS = option("max-minutes", 6) * 60_000;
const UPLOAD_TIMEOUT_MS = 120_000;
const TARGET_GROWTH_MB = 32;

interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function start(args: string[], env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 90_000;
  while (!/running at (http:\/\/\S+)/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /running at (http:\/\/\S+)/.exec(output)![1]!.replace("localhost", "127.0.0.1");
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;

function pdfShaped(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(Buffer.from("%PDF-1.4\n"));
  for (let i = 4096; i < size; i += 4096) bytes[i] = 0x0a;
  return bytes;
}

interface Result {
  seconds: number;
  mbPerS: number;
  baselineMb: number;
  peakMb: number;
  growthMb: number;
}

/** One upload while sampling the server's RSS every 10 ms. */
async function measure(pid: number, url: string, cookie: string | undefined, body: Uint8Array<ArrayBuffer>): Promise<Result> {
  global.gc?.();
  await new Promise((r) => setTimeout(r, 300)); // let the server settle after the previous round
  const baselineMb = rssMb(pid);
  let peakMb = baselineMb;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 10);
  const form = new FormData();
  form.append("file", new Blob([body], { type: "application/pdf" }), "bench.pdf");
  const started = performance.now();
  const res = await fetch(url, { method: "POST", body: form, headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
  const text = await res.text();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakMb = Math.max(peakMb, rssMb(pid));
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${text}`);
  return { seconds, mbPerS: body.length / MB / seconds, baselineMb, peakMb, growthMb: peakMb - baselineMb };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function main() {
  const began = Date.now();
  const loadBefore = os.loadavg();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "upload-bench-"));
  const ours = await start(["server/src/main.ts"], { HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", NODE_ENV: "development", DATA_DIR: dataDir, ATTACHMENT_MAX_FILE_MB: "64" });
  const reference = await start(["bench/chat/upload.ts", "--reference-server"], {});
  const results: Record<string, Record<number, Result[]>> = { ours: {}, reference: {} };
  try {
    const login = await fetch(`${ours.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "tech1@caseroom.local", password: "caseroom" }) });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    const tickets = (await (await fetch(`${ours.url}/api/tickets`, { headers: { cookie } })).json()) as { tickets: { id: string }[] };
    const uploadUrl = `${ours.url}/api/tickets/${tickets.tickets[0]!.id}/attachments`;
    // Warm-up: code paths loaded, first allocations made, in both servers.
    await measure(ours.child.pid!, uploadUrl, cookie, pdfShaped(2 * MB));
    await measure(reference.child.pid!, reference.url, undefined, pdfShaped(2 * MB));
    for (let round = 0; round < ROUNDS && Date.now() - began < MAX_MS; round++) {
      for (const size of SIZES) {
        const body = pdfShaped(size);
        // Alternated so both see the same background load.
        (results.ours![size] ??= []).push(await measure(ours.child.pid!, uploadUrl, cookie, body));
        (results.reference![size] ??= []).push(await measure(reference.child.pid!, reference.url, undefined, body));
        const o = results.ours![size]!.at(-1)!;
        console.log(`round ${round + 1} ${size / MB} MB: ours ${fmt(o.mbPerS)} MB/s, RSS +${fmt(o.growthMb)} MB (${fmt(o.baselineMb)} → ${fmt(o.peakMb)})`);
      }
    }
  } finally {
    await ours.stop();
    await reference.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg();

  const rows = SIZES.flatMap((size) => {
    const o = results.ours![size] ?? [];
    const r = results.reference![size] ?? [];
    if (!o.length) return [];
    const oursMbps = median(o.map((x) => x.mbPerS));
    const refMbps = median(r.map((x) => x.mbPerS));
    const growth = Math.max(...o.map((x) => x.growthMb));
    const refGrowth = Math.max(...r.map((x) => x.growthMb));
    return [`| ${size / MB} MB | ${o.length} | ${fmt(oursMbps)} | ${fmt(refMbps)} | ${fmt(oursMbps / refMbps, 2)} | ${fmt(growth)} | ${fmt(refGrowth)} | ${growth < TARGET_GROWTH_MB ? "yes" : "**no**"} |`];
  });
  const growthBySize = SIZES.map((size) => Math.max(...(results.ours![size] ?? [{ growthMb: NaN } as Result]).map((x) => x.growthMb)));
  const report = [
    "# Attachment upload benchmark",
    "",
    `Run ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}; load average ${loadBefore.map((l) => fmt(l, 2)).join(" ")} before, ${loadAfter.map((l) => fmt(l, 2)).join(" ")} after.`,
    "Command: `node --import tsx bench/chat/upload.ts` (server/src/main.ts on embedded PGlite, local storage; a PDF-shaped file so no decoder runs).",
    "Reference: a bare node:http server streaming the same multipart body to a file (no parsing, checks or database).",
    "",
    "| file | rounds | ours MB/s (median) | reference MB/s | ratio | ours RSS growth, max (MB) | reference RSS growth (MB) | under 32 MB |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    `RSS growth for 10 MB vs 50 MB: ${fmt(growthBySize[0]!)} MB vs ${fmt(growthBySize[1]!)} MB — ${Math.abs(growthBySize[1]! - growthBySize[0]!) < 16 ? "it does not grow with the file size" : "**it grows with the file size**"}.`,
    "",
  ].join("\n");
  console.log(`\n${report}`);
  if (!argv.includes("--no-write")) writeFileSync(path.join(import.meta.dirname, "upload-results.md"), report);
}

// ---- the reference server, when this file is started with --reference-server -------------------
if (argv.includes("--reference-server")) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "upload-bench-ref-"));
  let n = 0;
  const server = createServer(async (req, res) => {
    const file = path.join(dir, String(n++));
    await pipeline(req, createWriteStream(file));
    rmSync(file, { force: true });
    res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
  });
  server.listen(0, "127.0.0.1", () => console.log(`running at http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  process.on("SIGTERM", () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
} else {
  await main();
}

