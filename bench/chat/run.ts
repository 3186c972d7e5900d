// Chat benchmark (issue 6; prints figures, not a test). 200 tickets with 3 participants each (two
// technicians' sockets and the customer's guest socket), everyone connected to one node:
//   1. latency: messages sent at a steady rate, from chat:send on one participant to chat:message at
//      each of the two others (p50, p99), under that background load;
//   2. throughput: every participant sends back-to-back (each socket waits for its ack), and we count
//      messages stored and acknowledged per second on the node, and deliveries per second.
// No reference is named for this one, so figures are raw, against the target (p99 < 50 ms).
//
// Run:   node --import tsx bench/chat/run.ts [--quick] [--tickets 200] [--seconds 10] [--rate 1]
//        [--database postgres|pglite] [--no-write]
// --rate is messages per second per ticket in the latency phase. Every connection goes to 127.0.0.1;
// the run is bounded (at most --max-minutes, default 8). Writes bench/chat/results.md.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import postgres from "postgres";
import { io, type Socket } from "socket.io-client";
import { ApiClient, loginAs } from "../../tests/helpers/server.ts";

const root = path.resolve(import.meta.dirname, "../..");
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const TICKETS = Number(option("tickets", quick ? "20" : "200"));
const SECONDS = Number(option("seconds", quick ? "4" : "10"));
const RATE = Number(option("rate", "1"));
const THROUGHPUT_PER_SOCKET = Number(option("burst", quick ? "5" : "10"));
const DATABASE = option("database", "postgres") as "postgres" | "pglite";
const MAX_MINUTES = Number(option("max-minutes", "8"));
const WRITE = !argv.includes("--no-write");
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const deadline = setTimeout(() => {
  console.error(`bench exceeded ${MAX_MINUTES} minutes; stopping`);
  process.exit(2);
}, MAX_MINUTES * 60_000);
deadline.unref();

type ChatSocket = Socket;
interface Participant {
  socket: ChatSocket;
  ticketId: string;
}

async function startServer(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    NODE_ENV: "development",
    SESSION_SECRET: randomBytes(20).toString("hex"),
    // Each simulated customer comes from its own address (X-Forwarded-For), as real ones do, so the
    // per-address limit on accepting invites does not stop the set-up.
    TRUST_PROXY: "true",
  };
  let cleanup: () => Promise<void>;
  if (DATABASE === "pglite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "caseroom-bench-chat-"));
    env.DATA_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `bench_chat_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create schema ${schema}`);
    const url = new URL(DATABASE_URL);
    url.searchParams.set("search_path", schema);
    env.DATABASE_URL = url.toString();
    env.DATA_DIR = os.tmpdir();
    cleanup = async () => {
      await admin.unsafe(`drop schema if exists ${schema} cascade`);
      await admin.end({ timeout: 1 });
    };
  }
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stderr!.on("data", (d) => (output += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 180_000);
    child.stdout!.on("data", (d) => {
      output += d;
      const m = /running at http:\/\/localhost:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await cleanup();
    },
  };
}

const cpuMs = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};
const rssMiB = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inBatches<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await work(i);
    }
  }));
  return out;
}

function connect(url: string, cookie: string): Promise<ChatSocket> {
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie } });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function main() {
  const loadBefore = os.loadavg();
  console.log(`chat bench: ${TICKETS} tickets × 3 participants, ${DATABASE}, load ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`);
  const server = await startServer();
  const participants: Participant[] = [];
  try {
    const tech1 = await loginAs(server.url, "tech1@caseroom.local", "caseroom");
    const tech2 = await loginAs(server.url, "tech2@caseroom.local", "caseroom");
    const tickets = await inBatches(TICKETS, 8, async (i) => {
      const res = await tech1.post("/api/tickets", { title: `Chat bench ${i}` });
      if (res.status !== 201) throw new Error(`ticket: ${res.status}`);
      return res.body.ticket.id as string;
    });
    const guestCookies = await inBatches(TICKETS, 8, async (i) => {
      const invite = await tech1.post(`/api/tickets/${tickets[i]}/invites`, {});
      const guest = new ApiClient(server.url);
      const token = (invite.body.invite.url as string).split("/join/")[1];
      const res = await guest.request("POST", "/api/invites/accept", { token, name: `Customer ${i}` }, { headers: { "x-forwarded-for": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } });
      if (res.status !== 200) throw new Error(`accept: ${res.status} ${JSON.stringify(res.body)}`);
      return guest.cookie!;
    });
    await inBatches(TICKETS, 8, async (i) => {
      const ticketId = tickets[i]!;
      for (const cookie of [tech1.cookie!, tech2.cookie!]) {
        const socket = await connect(server.url, cookie);
        const ack = await socket.timeout(10_000).emitWithAck("chat:join", { ticketId });
        if (!ack.ok) throw new Error(`chat:join ${JSON.stringify(ack)}`);
        participants.push({ socket, ticketId });
      }
      participants.push({ socket: await connect(`${server.url}/guest`, guestCookies[i]!), ticketId });
    });
    console.log(`connected ${participants.length} sockets`);

    // Every delivery of a message to a participant other than its sender.
    const latencies: number[] = [];
    let deliveries = 0;
    let measuring = false;
    participants.forEach((p, index) => {
      p.socket.on("chat:message", ({ message }: { message: { text: string } }) => {
        const m = /^bench (\d+(?:\.\d+)?) (\d+) /.exec(message.text);
        // The sender's own socket hears its message too: only the other participants count.
        if (!m || Number(m[2]) === index) return;
        deliveries++;
        if (measuring) latencies.push(performance.now() - Number(m[1]));
      });
    });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const byTicket = new Map<string, Participant[]>();
    for (const p of participants) byTicket.set(p.ticketId, [...(byTicket.get(p.ticketId) ?? []), p]);
    const indexOf = new Map(participants.map((p, i) => [p, i]));
    const send = (p: Participant, tag: string) =>
      p.socket.timeout(30_000).emitWithAck("chat:send", { ticketId: p.ticketId, message: { id: randomUUID(), text: `bench ${performance.now()} ${indexOf.get(p)} ${tag}` } });

    // 1. Latency at a steady rate: every tick, each ticket has one random participant speak.
    const intervalMs = 1000 / RATE;
    const ticks = Math.round(SECONDS * RATE);
    let failures = 0;
    const cpu0 = cpuMs(server.pid);
    const t0 = performance.now();
    measuring = true;
    loop.enable();
    const pending: Promise<unknown>[] = [];
    for (let tick = 0; tick < ticks; tick++) {
      const started = performance.now();
      for (const group of byTicket.values()) {
        // Spread each tick's sends over the interval instead of one burst.
        const at = Math.random() * intervalMs * 0.9;
        const speaker = group[Math.floor(Math.random() * group.length)]!;
        pending.push(sleep(at).then(() => send(speaker, "steady")).then((a) => !(a as { ok: boolean }).ok && failures++, () => failures++));
      }
      await sleep(Math.max(0, intervalMs - (performance.now() - started)));
    }
    await Promise.all(pending);
    await sleep(1000);
    measuring = false;
    loop.disable();
    const steadyS = (performance.now() - t0) / 1000;
    const steadyCpu = (cpuMs(server.pid) - cpu0) / 1000 / steadyS;
    const sorted = latencies.sort((a, b) => a - b);

    // 2. Throughput: everyone sends back-to-back, each socket waiting for its own ack.
    const deliveredBefore = deliveries;
    const cpu1 = cpuMs(server.pid);
    const t1 = performance.now();
    let stored = 0;
    await Promise.all(
      participants.map(async (p) => {
        for (let i = 0; i < THROUGHPUT_PER_SOCKET; i++) {
          const ack = (await send(p, "burst")) as { ok: boolean };
          if (ack.ok) stored++;
          else failures++;
        }
      }),
    );
    const burstS = (performance.now() - t1) / 1000;
    const burstCpu = (cpuMs(server.pid) - cpu1) / 1000 / burstS;
    await sleep(500);
    const delivered = deliveries - deliveredBefore;
    const loadAfter = os.loadavg();

    const figures = {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
      steadyRate: (ticks * TICKETS) / steadyS,
      steadyCpu,
      benchLoopP99: loop.percentile(99) / 1e6,
      stored,
      perSecond: stored / burstS,
      deliveredPerSecond: delivered / burstS,
      burstCpu,
      rss: rssMiB(server.pid),
      failures,
    };
    const f = (n: number, d = 1) => n.toFixed(d);
    const lines = [
      "# Chat benchmark",
      "",
      `Run ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}; load average ${loadBefore.map((l) => f(l, 2)).join(" ")} before, ${loadAfter.map((l) => f(l, 2)).join(" ")} after.`,
      `Command: \`node --import tsx bench/chat/run.ts ${argv.join(" ")}\`. One node (server/src/main.ts) on ${DATABASE === "postgres" ? "PostgreSQL" : "embedded PGlite"}; ${TICKETS} tickets × 3 participants (2 staff sockets, 1 guest socket) = ${participants.length} sockets, all clients in one process on the same machine.`,
      "No reference is named for this benchmark: the figures are raw, against the target (p99 < 50 ms).",
      "",
      "| phase | figure | value |",
      "| --- | --- | --- |",
      `| latency (${f(figures.steadyRate, 0)} messages/s for ${SECONDS} s) | deliveries measured (sender → each other participant) | ${sorted.length} |`,
      `| | p50 / p90 / p99 / max (ms) | ${f(figures.p50)} / ${f(figures.p90)} / ${f(figures.p99)} / ${f(figures.max)} |`,
      `| | p99 under 50 ms | ${figures.p99 < 50 ? "yes" : "no"} |`,
      `| | server CPU (cores busy) | ${f(figures.steadyCpu, 2)} |`,
      `| | bench process event-loop delay p99 (ms) | ${f(figures.benchLoopP99)} |`,
      `| throughput (every socket sends ${THROUGHPUT_PER_SOCKET} back-to-back) | messages stored and acked per second (one node) | ${f(figures.perSecond, 0)} |`,
      `| | deliveries per second | ${f(figures.deliveredPerSecond, 0)} |`,
      `| | server CPU (cores busy) | ${f(figures.burstCpu, 2)} |`,
      `| end | server RSS (MiB) | ${f(figures.rss, 0)} |`,
      `| | failed sends | ${failures} |`,
      "",
      "Every message is a database transaction (per-ticket counter row lock, insert, event append) before its ack and broadcast; latency includes that commit. The clients share the machine (2 cores) with the server and the database, and the bench process's own event-loop delay is part of each measured latency.",
      "",
    ];
    console.log(lines.join("\n"));
    if (WRITE) writeFileSync(path.join(import.meta.dirname, "results.md"), lines.join("\n"));
  } finally {
    for (const p of participants) p.socket.close();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
