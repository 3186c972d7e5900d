// `npm run dev`: the server restarting on change, and Vite with hot reload on :5173 proxying to it.
import { spawn } from "node:child_process";

const children = [
  spawn(process.execPath, ["--watch", "--import", "tsx", "server/src/main.ts"], { stdio: "inherit" }),
  spawn("npm", ["run", "dev", "-w", "@caseroom/client"], { stdio: "inherit" }),
];
const stop = () => children.forEach((child) => child.kill("SIGTERM"));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) child.on("exit", (code) => { stop(); process.exitCode = code ?? 0; });
