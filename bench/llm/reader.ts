// The benchmark's HTTP reader, in a process of its own so that reading 50 event streams does not
// compete with the server for its event loop. Each line on stdin is a job: open `count` streams,
// `concurrency` at a time, against POST /api/ai/complete; the answer line lists each stream's
// overhead (time to the first delta − the fake provider's stamped own delay), in ms.
import { createInterface } from "node:readline";

interface Job {
  url: string;
  headers: Record<string, string>;
  body: string;
  count: number;
  concurrency: number;
  /** Worker i starts i × staggerMs after the first: a steady rate, not a burst. */
  staggerMs: number;
}

/** The fake's own first-token delay, from the stamp on the first token, in ms. */
const stampOf = (text: string) => Number(/^‹(\d+)›/.exec(text)?.[1] ?? NaN) / 1000;

async function one(job: Job): Promise<number> {
  const started = performance.now();
  const res = await fetch(job.url, { method: "POST", headers: job.headers, body: job.body });
  const decoder = new TextDecoder();
  let buffer = "";
  let overhead = NaN;
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(part, { stream: true });
    const data = Number.isNaN(overhead) ? /event: delta\ndata: (.*)\n\n/.exec(buffer)?.[1] : undefined;
    if (data) overhead = performance.now() - started - stampOf((JSON.parse(data) as { text: string }).text);
  }
  return overhead;
}

for await (const line of createInterface({ input: process.stdin })) {
  const job = JSON.parse(line) as Job;
  const results: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async (_, worker) => {
      await new Promise((r) => setTimeout(r, worker * job.staggerMs));
      while (next < job.count) {
        next += 1;
        // A failed stream (a keep-alive socket closed by the server as it was reused, on a starved
        // machine) counts as NaN: reported, not fatal.
        results.push(await one(job).catch(() => NaN));
      }
    }),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
