// docker-compose.yml must stay valid: no Docker engine runs here, but the compose tool still validates it.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const test = suite("docker-compose.yml");
const root = path.resolve(import.meta.dirname, "../..");
const env = { ...process.env, POSTGRES_PASSWORD: "x", SESSION_SECRET: "y".repeat(32), LIVEKIT_API_KEY: "k", LIVEKIT_API_SECRET: "s", TURN_SECRET: "t" };

function composeCommand(): string[] {
  for (const candidate of [["docker", "compose"], ["docker-compose"]]) {
    try {
      execFileSync(candidate[0]!, [...candidate.slice(1), "version"], { stdio: "ignore" });
      return candidate;
    } catch {
      /* try the next */
    }
  }
  throw new Error("Neither `docker compose` nor `docker-compose` is installed: run scripts/install-system-deps.sh");
}

test("validates with the compose tool and declares every service with a health check", () => {
  const [cmd, ...args] = composeCommand();
  const out = execFileSync(cmd!, [...args, "config"], { cwd: root, env, encoding: "utf8" });
  for (const service of ["app1", "app2", "postgres", "redis", "livekit", "coturn"]) {
    assert.match(out, new RegExp(`^  ${service}:`, "m"), `service ${service}`);
  }
  assert.is((out.match(/healthcheck:/g) ?? []).length, 6, "every service has a health check");
});

test.run();
