/** The SQLSTATE the server answered with, from the error or the errors it wraps (drizzle wraps the driver's); undefined when no server answered (a lost connection). */
export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error || (typeof e === "object" && e !== null); ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
