import { accessKeys, type ConfigOf, flagBoolean, port, positiveInt, setting } from "../model/index.js";

/** The query API's settings: its port, keys, what counts as stuck, the explorer. */
export const serverSettings = {
  apiPort: setting({
    env: "EXECLENS_API_PORT",
    flag: "api-port",
    schema: port,
    default: 8318,
    help: "query API, explorer, `/metrics`, `/healthz`, `/readyz`",
  }),
  apiKeys: setting({
    env: "EXECLENS_API_KEYS",
    flag: "api-keys",
    schema: accessKeys,
    default: [],
    secret: true,
    help: "query API keys, hashed: `sha256:<hex>=<org>[,<org>…]` or `sha256:<hex>=*`, separated by `;` (none: the API is open)",
  }),
  allowOpenApi: setting({
    env: "EXECLENS_ALLOW_OPEN_API",
    flag: "allow-open-api",
    schema: flagBoolean,
    default: false,
    bare: true,
    help: "`true`: serve the API without `EXECLENS_API_KEYS` on a non-loopback `EXECLENS_HOST` (otherwise execlens refuses to start)",
  }),
  stuckAfterMs: setting({
    env: "EXECLENS_STUCK_AFTER_MS",
    flag: "stuck-after-ms",
    schema: positiveInt,
    default: 15 * 60 * 1000,
    help: 'running/paused longer than this is "stuck" in `/metrics`',
  }),
  explorer: setting({
    env: "EXECLENS_EXPLORER",
    flag: "explorer",
    schema: flagBoolean,
    default: true,
    help: "serve the execution explorer (web pages) at `/` on the API port; `false`: the API alone",
  }),
};

export type ServerConfig = ConfigOf<typeof serverSettings>;
