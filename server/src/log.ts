// JSON logs with static messages. Personal data goes only under `pii.*`, which production may drop.
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** `destination` is for tests that read the log lines; stdout otherwise. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "caseroom" },
    redact: { paths: ["password", "*.password", "token", "*.token", "cookie", "*.cookie", "headers.cookie", "headers.authorization", "apiKey", "*.apiKey"], censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}
