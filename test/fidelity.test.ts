import { SpanStatusCode } from "@opentelemetry/api";
import { beforeAll, expect, it } from "vitest";
import { apiClient } from "./helpers/api.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { skillRows } from "./helpers/rows.js";
import { otlpExporter, sdkTracer } from "./helpers/sdk.js";

interface SkillBody {
  execId: string;
  startedAt: string;
  completedAt: string;
  durationMs: number;
  errorMessage: string | null;
  attributes: { input_data: unknown; output_data: unknown; metadata: Record<string, unknown> };
}

/*
 * What a span says is kept as it said it: microseconds, the whole error, an absent payload as
 * absent, the app's own telemetry metadata (issue "Traces as real apps send them", 3–6). Spans
 * are sent by the real SDK and OTLP exporters.
 */
describeEachDatabase("fidelity", (kind) => {
  const execlens = useExeclens(kind);
  const sent: Record<string, string> = {};
  beforeAll(async () => {
    for (const protocol of ["json", "protobuf"] as const) {
      const sdk = sdkTracer(otlpExporter(protocol, execlens.tracesUrl));
      const tracer = sdk.provider.getTracer("fidelity");
      // 1767225600.787716409 s: nanoseconds the database cannot hold, microseconds it can
      const precise = tracer.startSpan(`precise ${protocol}`, {
        attributes: { "skill.name": `precise-${protocol}` },
        startTime: [1_767_225_600, 787_716_409],
      });
      precise.end([1_767_225_600, 808_000_000]);
      const failing = tracer.startSpan(`failing ${protocol}`, {
        attributes: { "skill.name": `failing-${protocol}` },
      });
      const error = new TypeError("Cannot read properties of undefined (reading 'city')");
      failing.recordException(error);
      failing.setStatus({ code: SpanStatusCode.ERROR, message: "the weather tool failed" });
      failing.end();
      const noArguments = tracer.startSpan(`ai.toolCall ${protocol}`, {
        attributes: {
          "ai.operationId": "ai.toolCall",
          "ai.toolCall.name": `now-${protocol}`,
          "ai.toolCall.id": "call-1",
          "ai.toolCall.args": "{}",
          "ai.toolCall.result": '"12:00"',
          "ai.telemetry.metadata.experiment": "B",
          "ai.telemetry.metadata.userId": "user-7",
        },
      });
      noArguments.end();
      const noInput = tracer.startSpan(`bare ${protocol}`, {
        attributes: { "skill.name": `bare-${protocol}` },
      });
      noInput.end();
      sent[protocol] = precise.spanContext().traceId;
      await sdk.flush();
      await sdk.shutdown();
    }
  });

  const skill = async (name: string): Promise<SkillBody> => {
    const api = apiClient(execlens.apiUrl);
    const list = await api.get<{ items: SkillBody[] }>("/api/skill-executions", { limit: 500 });
    const row = (await skillRows(execlens.database.db)).find((r) => r.exec_skill_name === name);
    const found = list.body.items.find((item) => item.execId === row?.exec_id);
    if (found === undefined) throw new Error(`no skill execution ${name}`);
    return found;
  };

  it.each(["json", "protobuf"])(
    "%s: a start of …787716409 ns is stored and served as …787716 µs, the duration from the stored times",
    async (protocol) => {
      const body = await skill(`precise-${protocol}`);
      expect(body.startedAt).toBe("2026-01-01T00:00:00.787716Z");
      expect(body.completedAt).toBe("2026-01-01T00:00:00.808000Z");
      // 20.284 ms, rounded to the nearest millisecond
      expect(body.durationMs).toBe(20);
      const row = (await skillRows(execlens.database.db)).find(
        (r) => r.exec_skill_name === `precise-${protocol}`,
      );
      expect(String(row?.exec_started_at)).toMatch(/00:00:00\.787716/);
      const one = await apiClient(execlens.apiUrl).get<SkillBody>(`/api/skill-executions/${body.execId}`);
      expect(one.body.startedAt).toBe("2026-01-01T00:00:00.787716Z");
    },
  );

  it.each(["json", "protobuf"])(
    "%s: an error keeps the status message and the exception's own type, message and stack trace",
    async (protocol) => {
      const body = await skill(`failing-${protocol}`);
      expect(body.errorMessage).toBe("the weather tool failed");
      expect(body.attributes.metadata.error).toEqual({
        message: "the weather tool failed",
        type: "TypeError",
        exceptionMessage: "Cannot read properties of undefined (reading 'city')",
        stacktrace: expect.stringContaining("TypeError: Cannot read properties of undefined"),
      });
    },
  );

  it.each(["json", "protobuf"])(
    "%s: a tool called without arguments stores {}, a span without input null; custom telemetry metadata is kept",
    async (protocol) => {
      const tool = await skill(`now-${protocol}`);
      expect(tool.attributes.input_data).toEqual({});
      expect(tool.attributes.output_data).toBe("12:00");
      expect(tool.attributes.metadata.experiment).toBe("B");
      // an id key is a column, not metadata
      expect(tool.attributes.metadata.userId).toBeUndefined();
      const bare = await skill(`bare-${protocol}`);
      expect(bare.attributes.input_data).toBeNull();
      expect(bare.attributes.output_data).toBeNull();
    },
  );
});
