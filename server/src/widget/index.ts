// The embeddable website widget: keys, the public call that opens a ticket with a chat, the script.
export { registerWidgetAdminRoutes, registerWidgetPublicRoutes, type WidgetDeps } from "./routes.ts";
export { widgetKeyStore, type WidgetKeyStore } from "./store.ts";
