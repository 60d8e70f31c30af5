import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { recordSpans } from "./sdk.js";

export interface TraceBody {
  readonly traceIds: string[];
  /** The skill names the body carries, one skill execution each. */
  readonly names: string[];
  readonly body: Uint8Array;
}

/**
 * Protobuf request bodies as the real exporter encodes them: each holds `tracesPerBody` traces
 * of a root span and one skill span with ~1 KiB of input.
 */
export async function traceBodies(count: number, tracesPerBody: number): Promise<TraceBody[]> {
  const bodies: TraceBody[] = [];
  for (let b = 0; b < count; b++) {
    const spans = await recordSpans((t) => {
      for (let i = 0; i < tracesPerBody; i++) {
        const root = t.start("request", { "http.route": "/run" });
        t.start(
          "skill",
          {
            "skill.name": `load-${b}-${i}`,
            "skill.input": JSON.stringify({ text: "x".repeat(1024), b, i }),
          },
          root,
        ).end();
        root.end();
      }
    });
    bodies.push({
      traceIds: [...new Set(spans.map((s) => s.spanContext().traceId))],
      names: spans.flatMap((s) => (s.name === "skill" ? [s.attributes["skill.name"] as string] : [])),
      body: ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array,
    });
  }
  return bodies;
}

export interface SendOutcome {
  readonly acknowledged: TraceBody[];
  readonly statuses: Map<number, number>;
}

/**
 * `senders` concurrent clients POST the bodies, each retrying on 429/503 (after Retry-After)
 * and on connection errors, until `stop()` or all bodies are acknowledged with a 200.
 */
export function sendAll(url: () => string, bodies: readonly TraceBody[], senders: number) {
  const statuses = new Map<number, number>();
  const acknowledged: TraceBody[] = [];
  let next = 0;
  let stopped = false;
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const sender = async () => {
    while (!stopped && next < bodies.length) {
      const item = bodies[next++] as TraceBody;
      for (;;) {
        if (stopped) return;
        try {
          const response = await fetch(url(), {
            method: "POST",
            body: item.body,
            headers: { "content-type": "application/x-protobuf" },
          });
          await response.arrayBuffer();
          count(response.status);
          if (response.status === 200) {
            acknowledged.push(item);
            break;
          }
          const wait = Number(response.headers.get("retry-after") ?? 1) * 1000;
          await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 200)));
        } catch {
          count(0);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }
  };
  const done = Promise.all(Array.from({ length: senders }, sender)).then(
    (): SendOutcome => ({ acknowledged, statuses }),
  );
  return {
    done,
    stop() {
      stopped = true;
    },
    get acknowledged() {
      return acknowledged.length;
    },
  };
}
