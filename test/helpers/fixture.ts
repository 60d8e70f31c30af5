import { afterAll, beforeAll } from "vitest";

/**
 * Something started for the enclosing describe(): before its tests, and stopped after them.
 * Reading it before it has started is an error naming it.
 */
export function useStarted<T extends object>(
  name: string,
  start: () => Promise<T>,
  stop: (started: T) => Promise<void>,
): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    if (started !== undefined) await stop(started);
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (started === undefined) throw new Error(`${name} has not started yet (use it inside a test)`);
      const value = Reflect.get(started, key);
      return typeof value === "function" ? value.bind(started) : value;
    },
  });
}
