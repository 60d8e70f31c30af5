/** Senders that POST bodies concurrently and retry 429/503 and connection errors until each gets a 200. */
export async function sendBodies(
  url: string,
  bodies: readonly Uint8Array[],
  senders: number,
): Promise<{ ms: number; statuses: Record<string, number> }> {
  const statuses: Record<string, number> = {};
  let next = 0;
  const began = performance.now();
  const sender = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as Uint8Array;
      for (;;) {
        let status = 0;
        try {
          const response = await fetch(url, {
            method: "POST",
            body,
            headers: { "content-type": "application/x-protobuf" },
          });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 0;
        }
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  return { ms: performance.now() - began, statuses };
}
