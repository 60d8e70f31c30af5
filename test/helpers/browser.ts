import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export type { Browser };

/** Debian's chromium (`.ci/run` installs it); never a downloaded browser build. */
export const CHROMIUM_PATH = process.env.EXECLENS_CHROMIUM ?? "/usr/bin/chromium";

/** Headless, and quiet: no sandbox (root in CI), no GPU, no network of its own (updates, sync, QUIC). */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Why the browser tests cannot run here, or undefined when they can. Locally a missing chromium
 * skips them with this reason; under CI=true the tests fail instead.
 */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return `${CHROMIUM_PATH} is missing (apt-get install chromium, as .ci/run does)`;
}

/**
 * Launches chromium headless through playwright-core. Playwright starts it with a fresh
 * temporary --user-data-dir each time, deleted on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}
