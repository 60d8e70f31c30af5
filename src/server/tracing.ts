import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

const tracer = trace.getTracer("execlens");

/** Scrapes and probes come every few seconds and say nothing about the API's use. */
const UNTRACED = new Set(["/metrics", "/healthz", "/readyz"]);

const headerGetter = {
  keys: (headers: Headers) => [...headers.keys()],
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
};

/**
 * One SERVER span per API request, named and attributed by the OpenTelemetry HTTP conventions
 * (`GET /api/skill-executions/:id`), continuing the caller's `traceparent`. A no-op unless
 * self-telemetry is on.
 */
export function traceRequests(): MiddlewareHandler {
  return async (c, next) => {
    if (UNTRACED.has(c.req.path)) return next();
    const parent = propagation.extract(context.active(), c.req.raw.headers, headerGetter);
    const method = c.req.method;
    await tracer.startActiveSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "url.path": c.req.path } },
      parent,
      async (span) => {
        try {
          await next();
        } finally {
          const route = routePath(c, -1);
          span.updateName(`${method} ${route}`);
          span.setAttributes({ "http.route": route, "http.response.status_code": c.res.status });
          if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        }
      },
    );
  };
}
