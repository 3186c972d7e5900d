// Runs every test file in its own process (uvu suites), two at a time, browser tests last and alone,
// and ends with the plain line `N passed, M failed`. A file that crashes counts as a failure.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const FILE_TIMEOUT_MS = 10 * 60 * 1000;
const filter = process.argv.slice(2);

function find(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules") return [];
    if (statSync(full).isDirectory()) return find(full);
    return name.endsWith(".test.ts") ? [full] : [];
  });
}

const files = find(path.join(root, "tests"))
  .map((f) => path.relative(root, f))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
const isBrowser = (f: string) => f.startsWith(path.join("tests", "e2e"));
const parallel = files.filter((f) => !isBrowser(f));
const serial = files.filter(isBrowser);

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  ms: number;
  output: string;
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

function runFile(file: string): Promise<FileResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "test", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[runner] ${file} did not finish within ${FILE_TIMEOUT_MS / 60000} minutes; killed\n`;
      child.kill("SIGKILL");
    }, FILE_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const text = strip(output);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? 0);
      let failed = Number.isNaN(total) ? 0 : total - passed;
      // A crash before the summary, or a non-zero exit with no failure counted, is one failure.
      if (Number.isNaN(total) || (code !== 0 && failed === 0)) failed += 1;
      resolve({ file, passed, failed, ms: Date.now() - started, output: text });
    });
  });
}

async function pool(list: string[], width: number): Promise<FileResult[]> {
  const results: FileResult[] = [];
  let next = 0;
  async function worker() {
    while (next < list.length) {
      const file = list[next++]!;
      const result = await runFile(file);
      report(result);
      results.push(result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, list.length) }, worker));
  return results;
}

function report(r: FileResult) {
  const mark = r.failed === 0 ? "ok  " : "FAIL";
  process.stdout.write(`${mark} ${r.file}  ${r.passed} passed, ${r.failed} failed  (${(r.ms / 1000).toFixed(1)} s)\n`);
  if (r.failed > 0) process.stdout.write(`${r.output.split("\n").map((l) => `     | ${l}`).join("\n")}\n`);
}

const started = Date.now();
const results = [...(await pool(parallel, 2)), ...(await pool(serial, 1))];
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`\n${results.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
if (results.length === 0) process.stdout.write("no test files found\n");
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
