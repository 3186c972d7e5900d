// Browser tests whose media must stay on loopback run inside a loopback-only network namespace
// (`unshare -n`, then `ip link set lo up`; needs root or unprivileged user namespaces). A test file
// calls this first: outside, it re-runs the same file in a fresh namespace, passes its output and exit
// code on, and returns false; inside, it returns true and the file runs its suites. The server, any
// fake vendor and Chromium must all start inside (the host's PostgreSQL is not reachable there).
import { spawn, spawnSync } from "node:child_process";

const FLAG = "CASEROOM_LOOPBACK_NETNS";

export function inLoopbackNamespace(file: string): boolean {
  if (process.env[FLAG] === "1") return true;
  const probe = spawnSync("unshare", ["-n", "sh", "-c", "ip link set lo up"], { encoding: "utf8" });
  if (probe.status !== 0) {
    console.error(`${file} needs a loopback-only network namespace: \`unshare -n\` failed (${(probe.stderr || probe.error?.message || "").trim()}). Run as root, or enable unprivileged user namespaces; install util-linux and iproute2.`);
    process.exit(1);
  }
  const child = spawn("unshare", ["-n", "sh", "-c", `ip link set lo up && exec "${process.execPath}" --import tsx "${file}"`], {
    env: { ...process.env, [FLAG]: "1" },
    stdio: "inherit",
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return false;
}
