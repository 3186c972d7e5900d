import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// In development Vite serves the app on 5173 and forwards the API and socket.io to the server on
// 3000, so the browser sees one origin (the session cookie and `withCredentials` just work).
const server = "http://localhost:3000";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [solid()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": { target: server },
      "/socket.io": { target: server, ws: true },
      "/collab": { target: server, ws: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
});
