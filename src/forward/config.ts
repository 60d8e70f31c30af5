import { z } from "zod";
import { type ConfigOf, optionalSetting, positiveInt, setting, textOr } from "../model/index.js";

/** The traces URL of an OTLP/HTTP endpoint: a bare host gets /v1/traces, as OTEL_EXPORTER_OTLP_ENDPOINT does. */
function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/v1/traces";
  return url.toString();
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `key=value,key=value`, values percent-decoded, as the OTLP exporter configuration specifies. */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    if (eq <= 0 || !HEADER_NAME.test(name)) {
      throw new Error("each header must be name=value (got a pair without a valid name)");
    }
    headers[name.toLowerCase()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return headers;
}

/** Forwarding every accepted request to a trace backend. */
export const forwardSettings = {
  forwardOtlpEndpoint: optionalSetting({
    env: "EXECLENS_FORWARD_OTLP_ENDPOINT",
    flag: "forward-otlp-endpoint",
    schema: z
      .url()
      .regex(/^https?:\/\//, "must be an http:// or https:// URL")
      .transform(tracesUrl),
    unset: "no forwarding",
    help: "re-send every accepted request to this OTLP/HTTP endpoint (a bare `http://host:4318` gets `/v1/traces`)",
  }),
  forwardHeaders: setting({
    env: "EXECLENS_FORWARD_HEADERS",
    flag: "forward-headers",
    // name=value,name=value in a variable or flag, a mapping in the YAML file
    schema: textOr(
      parseHeaders,
      z
        .record(z.string().regex(HEADER_NAME, "must be a header name"), z.coerce.string())
        .transform((headers) =>
          Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
        ),
    ),
    default: {},
    secret: true,
    help: "headers for that endpoint, `name=value,name=value` (values percent-decoded), masked by `config print`",
  }),
  forwardQueueBytes: setting({
    env: "EXECLENS_FORWARD_QUEUE_BYTES",
    flag: "forward-queue-bytes",
    schema: positiveInt,
    default: 16 * 1024 * 1024,
    help: "request bytes waiting to be forwarded; past it requests are dropped and counted",
  }),
};

export type ForwardConfig = ConfigOf<typeof forwardSettings>;
