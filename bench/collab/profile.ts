// Summarises a V8 CPU profile (from `run.ts --profile <dir>`, i.e. node --cpu-prof): self time by
// function and by package or source file, to name the hot spots of our server under the bench load.
// Run: node --import tsx bench/collab/profile.ts <file.cpuprofile> [--top 25] [--from-s 20] [--to-s 30]
// (--from-s and --to-s keep one phase: run.ts --profile prints each phase's offsets.)
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: profile.ts <file.cpuprofile> [--top N]\n");
  process.exit(1);
}
const topIndex = process.argv.indexOf("--top");
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
const fromIndex = process.argv.indexOf("--from-s");
const fromUs = fromIndex > 0 ? Number(process.argv[fromIndex + 1]) * 1e6 : 0;
const toIndex = process.argv.indexOf("--to-s");
const toUs = toIndex > 0 ? Number(process.argv[toIndex + 1]) * 1e6 : Infinity;
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const selfUs = new Map<number, number>();
/** Time with the owner anywhere on the stack, counted once per sample. */
const inclusiveUs = new Map<string, number>();
let elapsedUs = 0;
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsedUs += delta;
  if (elapsedUs < fromUs || elapsedUs > toUs) return;
  totalUs += delta;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  if (byId.get(id)!.callFrame.functionName === "(idle)") return;
  const owners = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) owners.add(owner(byId.get(at)!.callFrame.url));
  for (const name of owners) inclusiveUs.set(name, (inclusiveUs.get(name) ?? 0) + delta);
});

/** "yjs", "@electric-sql/pglite", "server/src/collab/room.ts", "(native)"… */
function owner(url: string): string {
  if (!url) return "(native / V8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const src = url.indexOf("/work/main/");
  if (src >= 0) return url.slice(src + "/work/main/".length);
  if (url.startsWith("node:")) return url;
  return url.replace(/^file:\/\//, "");
}

const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
let idleUs = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === "(idle)") {
    idleUs += us;
    continue;
  }
  const name = `${functionName || "(anonymous)"}  ${owner(url)}${url ? `:${lineNumber + 1}` : ""}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  byOwner.set(owner(url), (byOwner.get(owner(url)) ?? 0) + us);
}

const busyUs = totalUs - idleUs;
const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((us / busyUs) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}\n`);
  }
};
process.stdout.write(`profile of ${(totalUs / 1e6).toFixed(1)} s wall${fromUs || toUs < Infinity ? ` (${fromUs / 1e6}–${toUs / 1e6} s)` : ""}, ${(busyUs / 1e6).toFixed(1)} s busy; percentages are of busy (non-idle) time\n`);
print("self time by package or file", byOwner);
print("inclusive time by package or file (with everything it called)", inclusiveUs);
print("by function", byFunction);
