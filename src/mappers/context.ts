import type { ExecutionContext, JsonObject } from "../model/index.js";
import { isUuid, sourceIdToUuid } from "../model/index.js";
import type { SpanFacts } from "./conventions/index.js";
import type { SpanReader } from "./span-reader.js";

/** Longest value of the VARCHAR(100) columns of the seed. */
export const VARCHAR_ID = 100;

/** A UUID column from a source id; a non-UUID id is stored as its UUIDv5 and kept in source_ids. */
export function uuidOf(reader: SpanReader, column: string, value: string | null): string | null {
  if (value === null) return null;
  if (!isUuid(value)) reader.sourceIds[column] = value;
  return sourceIdToUuid(value);
}

export function uuidColumn(reader: SpanReader, column: string, ...keys: string[]): string | null {
  return uuidOf(reader, column, reader.string(...keys));
}

/** The execlens convention attributes of each id; the families' attributes come after them. */
export function executionContext(reader: SpanReader, facts: SpanFacts): ExecutionContext {
  const id = (keys: string[], target: Parameters<SpanFacts["string"]>[0]) =>
    reader.string(...keys) ?? facts.string(target);
  return {
    companionId: uuidOf(reader, "companion_id", id(["companion.id"], "companion_id")),
    userId: uuidOf(reader, "user_id", id(["user.id", "enduser.id"], "user_id")),
    organizationId: organizationOf(reader, id(["organization.id"], "organization_id")),
    sessionId: reader.bounded("session_id", VARCHAR_ID, "session.id", id(["session.id"], "session_id")),
    conversationId: reader.bounded(
      "conversation_id",
      VARCHAR_ID,
      "conversation.id",
      id(["conversation.id"], "conversation_id"),
    ),
  };
}

/**
 * The organisation a row is stored under: the span's own, or the one its ingest key pins; then
 * the span's own value, when it names another organisation, is kept as span_organization_id.
 */
function organizationOf(reader: SpanReader, own: string | null): string | null {
  const pinned = reader.pinnedOrganizationId;
  if (pinned === undefined) return uuidOf(reader, "organization_id", own);
  const organizationId = uuidOf(reader, "organization_id", pinned);
  if (own !== null && sourceIdToUuid(own) !== organizationId) reader.sourceIds.span_organization_id = own;
  return organizationId;
}

/**
 * Metadata every execution row carries: what the families say (the AI SDK's custom
 * `ai.telemetry.metadata.*`, Langfuse's metadata, tags…), the app's own `<prefix>.metadata.*`,
 * where it ran, and the link back to its trace; the keys execlens sets win over the app's.
 */
export function commonMetadata(reader: SpanReader, facts: SpanFacts, prefix: string): JsonObject {
  const metadata: JsonObject = { ...facts.object("metadata") };
  const tags = facts.value("tags");
  if (tags !== undefined) metadata.tags = tags;
  Object.assign(metadata, reader.objectFromPrefix(`${prefix}.metadata`));
  const environment = reader.string("deployment.environment.name", "deployment.environment");
  const service = reader.string("service.name");
  const clientVersion = reader.string("service.version");
  if (environment !== null) metadata.environment = environment;
  if (service !== null) metadata.service = service;
  if (clientVersion !== null) metadata.clientVersion = clientVersion;
  const span = reader.span;
  metadata.trace = {
    traceId: span.traceId,
    spanId: span.spanId,
    // retries of a skill are its siblings: earlier executions of it under the same parent span
    parentSpanId: span.parentSpanId ?? null,
    spanName: span.name,
    scope: span.scope.name,
  };
  return metadata;
}

/** Adds what the reader collected (source ids, warnings) once the row is otherwise complete. */
export function finishMetadata(reader: SpanReader, metadata: JsonObject): JsonObject {
  if (hasKeys(reader.sourceIds)) metadata.source_ids = reader.sourceIds;
  const normalisations = reader.span.normalisations ?? [];
  // most rows have neither: no array is made for them
  if (normalisations.length > 0 || reader.warnings.length > 0)
    metadata.warnings = [...normalisations, ...reader.warnings];
  return metadata;
}

function hasKeys(object: JsonObject): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}
