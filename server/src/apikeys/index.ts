// API keys: created and revoked by admins, presented by CRM and telephony systems as Bearer tokens.
export { requireApiKey } from "./auth.ts";
export { registerApiKeyRoutes } from "./routes.ts";
export { apiKeyStore, type ApiKeyPrincipal, type ApiKeyStore } from "./store.ts";
