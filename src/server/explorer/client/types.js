// The query API's JSON, as the explorer reads it (src/server/schemas.ts is the source of truth).

/**
 * @typedef {"pending" | "running" | "completed" | "failed" | "cancelled" | "paused" | "timeout"} Status
 * @typedef {Record<string, unknown>} JsonObject
 *
 * @typedef {object} WorkflowExecution
 * @property {string} wkexId
 * @property {string} executionId
 * @property {string | null} workflowId
 * @property {string | null} workflowName
 * @property {string | null} companionId
 * @property {string | null} userId
 * @property {string | null} organizationId
 * @property {string | null} sessionId
 * @property {string | null} conversationId
 * @property {Status} status
 * @property {string | null} currentStepId
 * @property {number | null} totalSteps
 * @property {number | null} completedSteps
 * @property {number | null} progress
 * @property {string} startedAt
 * @property {string | null} completedAt
 * @property {number | null} totalDurationMs
 * @property {string | null} errorMessage
 * @property {string | null} errorStep
 * @property {number | null} totalTokens
 * @property {number | null} costUsd
 * @property {JsonObject} attributes
 * @property {string | null} traceId
 * @property {string | null} spanId
 *
 * @typedef {object} SkillExecution
 * @property {string} execId
 * @property {string | null} skillId
 * @property {string} skillName
 * @property {string | null} companionId
 * @property {string | null} userId
 * @property {string | null} organizationId
 * @property {string | null} workflowExecutionId  the owning workflow's wkexId
 * @property {Status} status
 * @property {string} startedAt
 * @property {string | null} completedAt
 * @property {number | null} durationMs
 * @property {string | null} sessionId
 * @property {number | null} stepNumber
 * @property {string | null} errorMessage
 * @property {JsonObject} attributes
 * @property {string | null} traceId
 * @property {string | null} spanId
 *
 * @typedef {object} StepExecution
 * @property {string} wstpId
 * @property {string | null} stepId
 * @property {number | null} stepOrder
 * @property {Status} status
 * @property {string} startedAt
 * @property {string | null} completedAt
 * @property {number | null} durationMs
 * @property {string | null} errorMessage
 * @property {JsonObject} attributes
 *
 * @typedef {object} Message  AI SDK style; content is text or a list of parts
 * @property {string} role
 * @property {unknown} content
 * @property {unknown[]} [toolCalls]
 *
 * @typedef {object} LlmCall  a model request
 * @property {string} traceId
 * @property {string} spanId
 * @property {string} operation
 * @property {string | null} provider
 * @property {string | null} model
 * @property {string} startedAt
 * @property {string} completedAt
 * @property {number} durationMs
 * @property {number} inputTokens
 * @property {number} outputTokens
 * @property {number} cachedInputTokens
 * @property {number} cacheWriteTokens
 * @property {number} reasoningTokens
 * @property {number} totalTokens
 * @property {number | null} costUsd
 * @property {string | null} finishReason
 * @property {string | null} errorMessage
 * @property {boolean} leaf
 * @property {Message[] | null} messages
 *
 * @typedef {WorkflowExecution & {
 *   steps: StepExecution[],
 *   skills: SkillExecution[],
 *   llmCalls?: LlmCall[],
 * }} WorkflowDetail  llmCalls is absent from servers that predate it
 *
 * @typedef {object} SeriesPoint
 * @property {string} bucketStart
 * @property {number} count
 * @property {number} failed
 * @property {number} timeout
 *
 * @typedef {object} Stats
 * @property {number} count
 * @property {Record<string, number>} byStatus
 * @property {number} failureRate
 * @property {number} timeoutRate
 * @property {{ p50: number | null, p95: number | null, p99: number | null }} durationMs
 * @property {SeriesPoint[]} [series]
 *
 * @typedef {Stats & { workflowId: string | null, workflowName: string | null, totalTokens: number, costUsd: number }} WorkflowStats
 * @typedef {Stats & { skillId: string | null, skillName: string }} SkillStats
 */

/**
 * A keyset page of a list route.
 * @template T
 * @typedef {{ items: T[], nextCursor: string | null }} Page
 */

export {};
