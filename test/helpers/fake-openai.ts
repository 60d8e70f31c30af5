/**
 * A loopback OpenAI-compatible server for the instrumentation-family apps: chat completions
 * (plain and SSE, with the usage chunk when `stream_options.include_usage` is set), the Responses
 * API (plain and SSE), embeddings and the model list.
 *
 * Its behaviour is fixed so the spans it leads to are deterministic apart from ids and times: a
 * request that offers tools and carries no tool result yet gets one `get_weather` call with
 * `{"city":"Paris"}`; any other request gets the text "It is sunny in Paris.". Usage is always
 * 42 prompt tokens (0 cached) and 7 completion tokens; the requested model is echoed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { useStarted } from "./fixture.js";

export interface FakeOpenAIRequest {
  readonly path: string;
  readonly body: unknown;
}

export interface FakeOpenAI {
  /** Base URL, ending in `/v1`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: FakeOpenAIRequest[];
  close(): Promise<void>;
}

export const FAKE_ANSWER = "It is sunny in Paris.";
export const FAKE_TOOL = { name: "get_weather", arguments: '{"city":"Paris"}' } as const;
export const FAKE_USAGE = { prompt: 42, completion: 7, total: 49 } as const;
const EMBEDDING = [0.1, 0.2, 0.3, 0.4];
const CREATED = 1_767_225_600; // 2026-01-01T00:00:00Z: fixed, so the fixtures do not move

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Chat completions: tools offered and no `tool` message yet. */
function chatWantsTool(body: Json): boolean {
  return list(body.tools).length > 0 && !list(body.messages).some((m) => isRecord(m) && m.role === "tool");
}

/** Responses API: tools offered and no `function_call_output` input item yet. */
function responsesWantsTool(body: Json): boolean {
  return (
    list(body.tools).length > 0 &&
    !list(body.input).some((item) => isRecord(item) && item.type === "function_call_output")
  );
}

const chatUsage = () => ({
  prompt_tokens: FAKE_USAGE.prompt,
  completion_tokens: FAKE_USAGE.completion,
  total_tokens: FAKE_USAGE.total,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
});

const responsesUsage = () => ({
  input_tokens: FAKE_USAGE.prompt,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: FAKE_USAGE.completion,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: FAKE_USAGE.total,
});

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendSse(res: ServerResponse, events: ReadonlyArray<{ event?: string; data: unknown }>): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const { event, data } of events) {
    const line = typeof data === "string" ? data : JSON.stringify(data);
    res.write(`${event === undefined ? "" : `event: ${event}\n`}data: ${line}\n\n`);
  }
  res.end();
}

function chatCompletion(body: Json, seq: number, res: ServerResponse): void {
  const model = typeof body.model === "string" ? body.model : "gpt-4o-mini";
  const id = `chatcmpl-fake-${seq}`;
  const toolCall = chatWantsTool(body);
  const callId = `call_weather_${seq}`;
  const finishReason = toolCall ? "tool_calls" : "stop";
  if (body.stream !== true) {
    const message = toolCall
      ? {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [{ id: callId, type: "function", function: { ...FAKE_TOOL } }],
        }
      : { role: "assistant", content: FAKE_ANSWER, refusal: null };
    sendJson(res, 200, {
      id,
      object: "chat.completion",
      created: CREATED,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage: chatUsage(),
      system_fingerprint: "fp_fake",
    });
    return;
  }
  const withUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (delta: Json, finish: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created: CREATED,
    model,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {}),
  });
  const deltas: Json[] = toolCall
    ? [
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { index: 0, id: callId, type: "function", function: { name: FAKE_TOOL.name, arguments: "" } },
          ],
        },
        { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
        { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      ]
    : [
        { role: "assistant", content: "", refusal: null },
        { content: "It is sunny " },
        { content: "in Paris." },
      ];
  const events: Array<{ data: unknown }> = [
    ...deltas.map((delta) => ({ data: chunk(delta, null) })),
    { data: chunk({}, finishReason) },
  ];
  if (withUsage) {
    events.push({
      data: {
        id,
        object: "chat.completion.chunk",
        created: CREATED,
        model,
        system_fingerprint: "fp_fake",
        choices: [],
        usage: chatUsage(),
      },
    });
  }
  events.push({ data: "[DONE]" });
  sendSse(res, events);
}

function responses(body: Json, seq: number, res: ServerResponse): void {
  const model = typeof body.model === "string" ? body.model : "gpt-4o-mini";
  const id = `resp_fake_${seq}`;
  const toolCall = responsesWantsTool(body);
  const itemId = toolCall ? `fc_fake_${seq}` : `msg_fake_${seq}`;
  const text = { type: "output_text", text: FAKE_ANSWER, annotations: [], logprobs: [] };
  const item = toolCall
    ? {
        type: "function_call",
        id: itemId,
        call_id: `call_weather_${seq}`,
        name: FAKE_TOOL.name,
        arguments: FAKE_TOOL.arguments,
        status: "completed",
      }
    : { type: "message", id: itemId, role: "assistant", status: "completed", content: [text] };
  const response = (status: "in_progress" | "completed") => ({
    id,
    object: "response",
    created_at: CREATED,
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model,
    output: status === "completed" ? [item] : [],
    output_text: status === "completed" && !toolCall ? FAKE_ANSWER : "",
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: list(body.tools),
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: status === "completed" ? responsesUsage() : null,
    user: null,
    metadata: {},
  });
  if (body.stream !== true) {
    sendJson(res, 200, response("completed"));
    return;
  }
  const events: Array<{ event: string; data: Json }> = [];
  const emit = (type: string, data: Json) =>
    events.push({ event: type, data: { type, sequence_number: events.length, ...data } });
  emit("response.created", { response: response("in_progress") });
  emit("response.in_progress", { response: response("in_progress") });
  if (toolCall) {
    emit("response.output_item.added", {
      output_index: 0,
      item: { ...item, arguments: "", status: "in_progress" },
    });
    for (const delta of ['{"city":', '"Paris"}']) {
      emit("response.function_call_arguments.delta", { item_id: itemId, output_index: 0, delta });
    }
    emit("response.function_call_arguments.done", {
      item_id: itemId,
      output_index: 0,
      arguments: FAKE_TOOL.arguments,
    });
  } else {
    emit("response.output_item.added", {
      output_index: 0,
      item: { ...item, status: "in_progress", content: [] },
    });
    const part = { item_id: itemId, output_index: 0, content_index: 0 };
    emit("response.content_part.added", { ...part, part: { ...text, text: "" } });
    for (const delta of ["It is sunny ", "in Paris."]) {
      emit("response.output_text.delta", { ...part, delta, logprobs: [] });
    }
    emit("response.output_text.done", { ...part, text: FAKE_ANSWER, logprobs: [] });
    emit("response.content_part.done", { ...part, part: text });
  }
  emit("response.output_item.done", { output_index: 0, item });
  emit("response.completed", { response: response("completed") });
  sendSse(res, events);
}

/** Base64 of little-endian float32s, as the API sends with `encoding_format: "base64"`. */
function base64Floats(values: readonly number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

function embeddings(body: Json, res: ServerResponse): void {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const base64 = body.encoding_format === "base64";
  sendJson(res, 200, {
    object: "list",
    data: inputs.map((_, index) => ({
      object: "embedding",
      index,
      embedding: base64 ? base64Floats(EMBEDDING) : EMBEDDING,
    })),
    model: typeof body.model === "string" ? body.model : "text-embedding-3-small",
    usage: { prompt_tokens: 8, total_tokens: 8 },
  });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A fake OpenAI server for the enclosing describe() (see useStarted). */
export function useFakeOpenAI(): FakeOpenAI {
  return useStarted("the fake OpenAI server", startFakeOpenAI, (openai) => openai.close());
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: FakeOpenAIRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      const body = await readBody(req);
      requests.push({ path, body });
      const json = isRecord(body) ? body : {};
      const route = `${req.method} ${path}`;
      if (route === "POST /v1/chat/completions") chatCompletion(json, requests.length, res);
      else if (route === "POST /v1/responses") responses(json, requests.length, res);
      else if (route === "POST /v1/embeddings") embeddings(json, res);
      else if (route === "GET /v1/models") {
        sendJson(res, 200, {
          object: "list",
          data: ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"].map((id) => ({
            id,
            object: "model",
            created: CREATED,
            owned_by: "fake-openai",
          })),
        });
      } else {
        sendJson(res, 404, {
          error: { message: `no route ${route}`, type: "invalid_request_error", code: null },
        });
      }
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error) } });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
