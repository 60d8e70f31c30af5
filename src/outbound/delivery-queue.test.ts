import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createDeliveryQueue, type DeliveryQueueOptions } from "./delivery-queue.js";
import { post } from "./http-post.js";
import type { AttemptOutcome, DeliveryEvents, DropReason } from "./outcome.js";

/** The queue's events, added up. */
function tally() {
  const counts = { sent: 0, dropped: {} as Partial<Record<DropReason, number>>, errors: [] as unknown[] };
  const events: DeliveryEvents = {
    onSent: (count) => {
      counts.sent += count;
    },
    onDropped: (reason, count) => {
      counts.dropped[reason] = (counts.dropped[reason] ?? 0) + count;
    },
    onError: (error) => counts.errors.push(error),
  };
  return { counts, events };
}

/** A send that answers only when the test says so, recording each attempt and its signal. */
function heldSend<T>() {
  const attempts: Array<{ batch: readonly T[]; signal: AbortSignal; answer: (o: AttemptOutcome) => void }> =
    [];
  const send = (batch: readonly T[], signal: AbortSignal) =>
    new Promise<AttemptOutcome>((answer, fail) => {
      attempts.push({ batch, signal, answer });
      signal.addEventListener("abort", () => fail(signal.reason), { once: true });
    });
  return { attempts, send };
}

const sent: AttemptOutcome = { kind: "sent" };
const tick = () => new Promise((resolve) => setImmediate(resolve));

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A loopback HTTP server answering each request with the next of `answers` (then 200). */
async function startServer(answers: Answer[]) {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      arrivals.push(performance.now());
      const { status, headers, body } = answers.shift() ?? { status: 200 };
      res.writeHead(status, headers).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, arrivals };
}

/**
 * Offers `items` to a queue that posts them to a server answering `answers`, and lets it deliver
 * all it can; returns its events and when each request arrived.
 */
async function deliverOverHttp(
  answers: Answer[],
  items: readonly string[],
  options: Partial<DeliveryQueueOptions<string>>,
) {
  const { counts, events } = tally();
  const server = await startServer(answers);
  const queue = createDeliveryQueue<string>({
    ...events,
    budget: 10,
    send: (batch, signal) =>
      post({ url: server.url, headers: { "content-type": "text/plain" }, body: batch.join("\n") }, signal),
    ...options,
  });
  queue.offer(items);
  await queue.stop(Number.POSITIVE_INFINITY);
  return { counts, arrivals: server.arrivals };
}

describe("createDeliveryQueue", () => {
  it("holds at most its budget, waiting and in flight; what does not fit is dropped as queue_full", async () => {
    const { counts, events } = tally();
    const { attempts, send } = heldSend<string>();
    const queue = createDeliveryQueue<string>({ ...events, send, budget: 10, cost: (s) => s.length });

    queue.offer(["aaaa", "bbbb", "cccccc", "cc"]); // 4 + 4 fit; 6 does not; 2 still does
    expect(counts.dropped).toEqual({ queue_full: 1 });
    queue.offer(["d"]);
    expect(counts.dropped).toEqual({ queue_full: 2 });

    attempts[0]?.answer(sent); // the in-flight item gives its 4 back
    await tick();
    queue.offer(["eeee"]);
    expect(counts.dropped).toEqual({ queue_full: 2 });
    for (let i = 1; i <= 3; i++) {
      attempts[i]?.answer(sent);
      await tick();
    }
    await queue.stop(1_000);
    expect(attempts.map((a) => a.batch)).toEqual([["aaaa"], ["bbbb"], ["cc"], ["eeee"]]);
    expect(counts.sent).toBe(4);
  });

  it("sends up to maxBatch items per attempt, in order", async () => {
    const { counts, events } = tally();
    const { attempts, send } = heldSend<number>();
    const queue = createDeliveryQueue<number>({ ...events, send, budget: 100, maxBatch: 3 });
    queue.offer([1, 2, 3, 4, 5, 6, 7]);
    for (let i = 0; i < 3; i++) {
      attempts[i]?.answer(sent);
      await tick();
    }
    await queue.stop(1_000);
    expect(attempts.map((a) => a.batch)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(counts.sent).toBe(7);
  });

  it("keeps at most `concurrency` batches in flight", async () => {
    const { counts, events } = tally();
    const { attempts, send } = heldSend<number>();
    const queue = createDeliveryQueue<number>({ ...events, send, budget: 100, concurrency: 2 });
    queue.offer([1, 2, 3, 4, 5]);
    expect(attempts).toHaveLength(2);
    attempts[0]?.answer(sent);
    await tick();
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts.slice(1)) attempt.answer(sent);
    await tick();
    expect(attempts).toHaveLength(5);
    for (const attempt of attempts.slice(3)) attempt.answer(sent);
    await queue.stop(1_000);
    expect(counts.sent).toBe(5);
  });

  it("retries a 503 after the receiver's Retry-After, over HTTP", async () => {
    const answers = [{ status: 503, headers: { "retry-after": "1" } }];
    const { counts, arrivals } = await deliverOverHttp(answers, ["x"], { initialBackoffMs: 10 });
    expect(counts.sent).toBe(1);
    expect(arrivals).toHaveLength(2);
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(990);
    expect(counts.errors).toHaveLength(1);
    expect(String(counts.errors[0])).toContain("answered 503");
  });

  it("waits no longer than maxBackoffMs, whatever Retry-After asks", async () => {
    const answers = [{ status: 429, headers: { "retry-after": "3600" } }];
    const { counts, arrivals } = await deliverOverHttp(answers, ["x"], { maxBackoffMs: 50 });
    expect(counts.sent).toBe(1);
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeLessThan(1_000);
  });

  it("does not retry a refusal (400): the batch is dropped as rejected, with the receiver's reason", async () => {
    const { counts, arrivals } = await deliverOverHttp(
      [{ status: 400, body: "alert is missing labels" }],
      ["x", "y"],
      { maxBatch: 2 },
    );
    expect(arrivals).toHaveLength(1);
    expect(counts.dropped).toEqual({ rejected: 2 });
    expect(String(counts.errors[0])).toContain("answered 400: alert is missing labels");
  });

  it("retries no answer, a timeout and a throw, backing off exponentially up to the cap, for maxAttempts", async () => {
    const { counts, events } = tally();
    const starts: number[] = [];
    const outcomes: Array<() => Promise<AttemptOutcome>> = [
      async () => ({ kind: "retryable", error: new Error("connection refused") }),
      () => new Promise(() => undefined), // never answers, nor heeds its signal: the attempt timeout ends it
      async () => {
        throw new Error("a bug in the sink");
      },
    ];
    const queue = createDeliveryQueue<string>({
      ...events,
      budget: 10,
      attemptTimeoutMs: 100,
      initialBackoffMs: 20,
      maxBackoffMs: 40,
      maxAttempts: 5,
      send: () => {
        starts.push(performance.now());
        const next =
          outcomes.shift() ?? (async () => ({ kind: "retryable", error: new Error("still refused") }));
        return next();
      },
    });
    queue.offer(["x"]);
    await queue.stop(Number.POSITIVE_INFINITY);
    expect(starts).toHaveLength(5);
    expect(counts.dropped).toEqual({ retries_exhausted: 1 });
    expect(counts.errors).toHaveLength(5);
    expect((counts.errors[1] as Error).name).toBe("TimeoutError");
    // waits after each failure: 20, 40 (+ the 100 ms timeout), 40 (capped), 40
    const gaps = starts.slice(1).map((start, i) => start - (starts[i] ?? 0));
    const least = [20, 140, 40, 40];
    // a timer counts from the event loop's time, taken as its turn began: on a loaded machine it
    // ends up to that turn's work (measured: 12 ms) before the clock read after it says
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual((least[i] ?? 0) - 15);
  });

  it("stop delivers what is queued when it can within the deadline", async () => {
    const { counts, events } = tally();
    const queue = createDeliveryQueue<number>({
      ...events,
      budget: 10,
      send: () => new Promise((resolve) => setTimeout(() => resolve(sent), 20)),
    });
    queue.offer([1, 2, 3]);
    await queue.stop(5_000);
    expect(counts.sent).toBe(3);
    expect(counts.dropped).toEqual({});
  });

  it("stop past its deadline aborts the attempt in flight and drops it and the rest as shutdown, as it does later offers", async () => {
    const { counts, events } = tally();
    const { attempts, send } = heldSend<number>();
    const queue = createDeliveryQueue<number>({ ...events, send, budget: 10 });
    queue.offer([1, 2, 3, 4, 5]);
    const started = performance.now();
    const stopping = queue.stop(100);
    queue.offer([6]);
    expect(counts.dropped).toEqual({ shutdown: 1 });
    await stopping;
    expect(performance.now() - started).toBeGreaterThanOrEqual(98);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.signal.aborted).toBe(true);
    expect(counts).toMatchObject({ sent: 0, dropped: { shutdown: 6 }, errors: [] });
    expect(queue.stop(0)).toBe(stopping);
  });

  it("stop cuts a retry's backoff short", async () => {
    const { counts, events } = tally();
    const queue = createDeliveryQueue<number>({
      ...events,
      budget: 10,
      initialBackoffMs: 60_000,
      send: async () => ({ kind: "retryable", error: new Error("busy") }),
    });
    queue.offer([1]);
    await tick();
    const started = performance.now();
    await queue.stop(50);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(counts.dropped).toEqual({ shutdown: 1 });
  });
});
