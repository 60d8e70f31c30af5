import { z } from "zod";
import { type ConfigOf, flagBoolean, port, positiveInt, setting, textOr } from "../model/index.js";
import { parseApiKeys } from "./api-keys.js";

export { newApiKey } from "./api-keys.js";

const API_KEY = z.strictObject({
  sha256: z.string(),
  organizations: z.union([z.literal("*"), z.array(z.string()).readonly()]),
});

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
    // entries separated by ";" in a variable or flag, a list in the YAML file
    schema: z.preprocess(
      (value) => (Array.isArray(value) ? value.join(";") : value),
      textOr(parseApiKeys, z.array(API_KEY)),
    ),
    default: [],
    secret: true,
    help: "query API keys, hashed: `sha256:<hex>=<org>[,<org>…]` or `sha256:<hex>=*`, separated by `;` (none: the API is open)",
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
