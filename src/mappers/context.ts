import type { ExecutionContext, JsonObject } from "../model/index.js";
import { isUuid, sourceIdToUuid } from "../model/index.js";
import type { SpanReader } from "./span-reader.js";

/** Longest value of the VARCHAR(100) columns of the seed. */
export const VARCHAR_ID = 100;

/** A UUID column from a source id; a non-UUID id is stored as its UUIDv5 and kept in source_ids. */
export function uuidColumn(reader: SpanReader, column: string, ...keys: string[]): string | null {
  const value = reader.string(...keys);
  if (value === null) return null;
  if (!isUuid(value)) reader.sourceIds[column] = value;
  return sourceIdToUuid(value);
}

/**
 * The keys of one id, by precedence: the execlens convention, then the AI SDK's telemetry
 * metadata (ai 4–6, ai 7 legacy) and runtime context (ai 7, `includeRuntimeContext`).
 */
export function idKeys(convention: readonly string[], aiName: string): string[] {
  return [...convention, `ai.telemetry.metadata.${aiName}`, `ai.settings.context.${aiName}`];
}

export function executionContext(reader: SpanReader): ExecutionContext {
  return {
    companionId: uuidColumn(reader, "companion_id", ...idKeys(["companion.id"], "companionId")),
    userId: uuidColumn(reader, "user_id", ...idKeys(["user.id", "enduser.id"], "userId")),
    organizationId: uuidColumn(reader, "organization_id", ...idKeys(["organization.id"], "organizationId")),
    sessionId: reader.boundedString("session_id", VARCHAR_ID, ...idKeys(["session.id"], "sessionId")),
    conversationId: reader.boundedString(
      "conversation_id",
      VARCHAR_ID,
      ...idKeys(["conversation.id", "gen_ai.conversation.id"], "conversationId"),
    ),
  };
}

/** The AI SDK telemetry metadata keys execlens reads as ids; the app's other keys go to metadata. */
const AI_TELEMETRY_ID_KEYS = [
  "companionId",
  "userId",
  "organizationId",
  "sessionId",
  "conversationId",
  "skillId",
  "workflowId",
];

/**
 * Metadata every execution row carries: the app's own keys (`<prefix>.metadata.*`, the AI SDK's
 * custom `ai.telemetry.metadata.*`), where it ran, and the link back to its trace; the keys
 * execlens sets win over the app's.
 */
export function commonMetadata(reader: SpanReader, prefix: string): JsonObject {
  const telemetry = reader.objectFromPrefix("ai.telemetry.metadata");
  for (const key of AI_TELEMETRY_ID_KEYS) delete telemetry[key];
  const metadata = { ...telemetry, ...reader.objectFromPrefix(`${prefix}.metadata`) };
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
    spanName: span.name,
    scope: span.scope.name,
  };
  return metadata;
}

/** Adds what the reader collected (source ids, warnings) once the row is otherwise complete. */
export function finishMetadata(reader: SpanReader, metadata: JsonObject): JsonObject {
  if (Object.keys(reader.sourceIds).length > 0) metadata.source_ids = reader.sourceIds;
  const warnings = [...(reader.span.normalisations ?? []), ...reader.warnings];
  if (warnings.length > 0) metadata.warnings = warnings;
  return metadata;
}
