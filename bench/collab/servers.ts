// The servers under test, each a child process on 127.0.0.1: ours (main.ts, durable, on PGlite or
// PostgreSQL) and the stock @y/websocket-server as the non-durable reference. Both are read the
// same way: resident memory and CPU time from /proc, rooms addressed by a provider URL and name.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { ApiClient, loginAs } from "../../tests/helpers/server.ts";

const root = path.resolve(import.meta.dirname, "../..");
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type ServerKind = "ours-pglite" | "ours-postgres" | "reference";
export const serverKinds: readonly ServerKind[] = ["ours-pglite", "ours-postgres", "reference"];

/** Where a provider connects for one room: its server URL, room name and query parameters. */
export interface RoomAddress {
  serverUrl: string;
  room: string;
  params: Record<string, string>;
}

export interface BenchServer {
  kind: ServerKind;
  pid: number;
  /** performance.now() when the process was spawned: profile offsets count from here. */
  spawnedAt: number;
  /** Prepares `count` fresh rooms (tickets for ours) and returns their addresses with fresh tokens (they live five minutes). */
  rooms(count: number): Promise<RoomAddress[]>;
  rssKiB(): number;
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Directory for V8 CPU profiles of our server (`--cpu-prof`); none when undefined. */
  profileDir?: string;
  /** Entry script instead of server/src/main.ts (a variant under study); it must print the same "running at" line. */
  entry?: string;
}

function readStatus(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : NaN;
}

/** User plus system CPU time of a process, from /proc/<pid>/stat (clock ticks of 10 ms on Linux). */
function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function spawnUntil(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs: number): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d;
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => (output += d));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Our server: main.ts with durable collaboration, on PGlite in a temporary DATA_DIR or in a fresh PostgreSQL schema. */
export async function startOurs(database: "pglite" | "postgres", options: StartOptions = {}): Promise<BenchServer> {
  const env: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    NODE_ENV: "development",
    SESSION_SECRET: randomBytes(20).toString("hex"),
  };
  let cleanup: () => Promise<void>;
  if (database === "pglite") {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "caseroom-bench-collab-"));
    env.DATA_DIR = dataDir;
    cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
  } else {
    const schema = `bench_collab_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create schema ${schema}`);
    const url = new URL(DATABASE_URL);
    url.searchParams.set("search_path", schema);
    env.DATABASE_URL = url.toString();
    env.SEED_DEMO = "true";
    env.DATA_DIR = os.tmpdir(); // unused with PostgreSQL, but must not point into the repository
    cleanup = async () => {
      await admin.unsafe(`drop schema if exists ${schema} cascade`);
      await admin.end({ timeout: 1 });
    };
  }
  const args = [...(options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : []), "--import", "tsx", options.entry ?? "server/src/main.ts"];
  const spawnedAt = performance.now();
  let started;
  try {
    started = await spawnUntil(args, env, /running at http:\/\/localhost:(\d+)/, 180_000);
  } catch (err) {
    await cleanup();
    throw err;
  }
  const { child, match } = started;
  const port = Number(match[1]);
  const baseUrl = `http://127.0.0.1:${port}`;
  const api: ApiClient = await loginAs(baseUrl, "tech1@caseroom.local", "caseroom");
  const pid = child.pid!;
  const mint = async (room: RoomAddress) => {
    const ticketId = room.room.slice("ticket:".length);
    const res = await api.post(`/api/tickets/${ticketId}/collab-token`);
    if (res.status !== 200) throw new Error(`collab-token: ${res.status} ${JSON.stringify(res.body)}`);
    return { ...room, params: { token: res.body.token as string } };
  };
  let created = 0;
  const refresh = (rooms: RoomAddress[]) => inBatches(rooms.length, 8, (i) => mint(rooms[i]!));
  return {
    kind: database === "pglite" ? "ours-pglite" : "ours-postgres",
    pid,
    spawnedAt,
    async rooms(count) {
      const ids = await inBatches(count, 8, async () => {
        const res = await api.post("/api/tickets", { title: `Bench ticket ${++created}` });
        if (res.status !== 201) throw new Error(`create ticket: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body.ticket.id as string;
      });
      return refresh(ids.map((id) => ({ serverUrl: `ws://127.0.0.1:${port}/collab`, room: `ticket:${id}`, params: {} })));
    },
    rssKiB: () => readStatus(pid, "VmRSS"),
    cpuMs: () => readCpuMs(pid),
    async stop() {
      await stopChild(child);
      await cleanup();
    },
  };
}

/** The stock @y/websocket-server 0.1.1: in memory, no persistence, no authentication. */
export async function startReference(): Promise<BenchServer> {
  // PORT=0 would make it print 0; pick a free port by letting the OS choose one first.
  const port = await freePort();
  const spawnedAt = performance.now();
  const { child } = await spawnUntil(["node_modules/@y/websocket-server/src/server.js"], { HOST: "127.0.0.1", PORT: String(port) }, /running at/, 30_000);
  const pid = child.pid!;
  let created = 0;
  return {
    kind: "reference",
    pid,
    spawnedAt,
    async rooms(count) {
      return Array.from({ length: count }, () => ({ serverUrl: `ws://127.0.0.1:${port}`, room: `bench-${++created}`, params: {} }));
    },
    rssKiB: () => readStatus(pid, "VmRSS"),
    cpuMs: () => readCpuMs(pid),
    stop: () => stopChild(child, 5000),
  };
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once, results in order. */
export async function inBatches<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
