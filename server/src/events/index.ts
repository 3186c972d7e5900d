export { appendEvents, readEvents } from "./log.ts";
export { registerEventRoutes } from "./routes.ts";
