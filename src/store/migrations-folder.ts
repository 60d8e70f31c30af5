import { fileURLToPath } from "node:url";

/** The numbered migrations drizzle-kit generates, applied on open by both drivers. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));
