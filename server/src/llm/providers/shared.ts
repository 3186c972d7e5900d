// Settings every adapter shares.

/**
 * The SDKs' own request timeout: only a backstop. The gateway enforces the first-token and total
 * timeouts itself and aborts the request through its signal.
 */
export const SDK_TIMEOUT_MS = 60 * 60 * 1000;
