export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** Reads a Server-Sent Events response into events, as they arrive. */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  let closed = false;
  const reading = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          const event =
            lines
              .find((l) => l.startsWith("event:"))
              ?.slice(6)
              .trim() ?? "message";
          const data = lines
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trimStart())
            .join("\n");
          if (data !== "") events.push({ event, data });
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted by the test
    } finally {
      closed = true;
    }
  })();
  return {
    status: response.status,
    events,
    get closed() {
      return closed;
    },
    /** Resolves once `count` events have arrived. */
    async waitFor(count: number, timeoutMs = 10_000): Promise<SseEvent[]> {
      const began = Date.now();
      while (events.length < count) {
        if (Date.now() - began > timeoutMs)
          throw new Error(`only ${events.length} of ${count} events: ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return events.slice(0, count);
    },
    async close() {
      controller.abort();
      await reading;
    },
    done: reading,
  };
}
