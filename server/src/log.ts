// JSON logs with static messages. Personal data goes only under `pii.*`, which production may drop.
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "caseroom" },
    redact: { paths: ["password", "*.password", "token", "*.token", "cookie", "*.cookie", "headers.cookie", "headers.authorization"], censor: "[redacted]" },
  });
}
