import type { ExecutionChanges, WorkflowChange } from "./execution.js";

/** One finished (or timed-out) execution, as metrics and alerts see it. */
export interface ExecutionOutcome {
  readonly kind: "skill" | "workflow";
  readonly name: string;
  readonly status: string;
  readonly durationMs: number | null;
  readonly organizationId: string | null;
  /** exec_id for skills, wkex_execution_id for workflows. */
  readonly executionId: string;
  readonly errorMessage: string | null;
}

/**
 * The executions a batch's own spans report, and the AI workflows its write found (stubs and
 * derived rows are not outcomes).
 */
export function outcomesOf(
  changes: Pick<ExecutionChanges, "skills" | "workflows">,
  aiWorkflows: readonly WorkflowChange[] = [],
): ExecutionOutcome[] {
  return [
    ...changes.skills.map((s) => ({
      kind: "skill" as const,
      name: s.skillName,
      status: s.status,
      durationMs: s.durationMs,
      organizationId: s.organizationId,
      executionId: s.execId,
      errorMessage: s.errorMessage,
    })),
    ...[...changes.workflows, ...aiWorkflows].map((w) => ({
      kind: "workflow" as const,
      name: w.workflowName,
      status: w.status,
      durationMs: w.durationMs,
      organizationId: w.organizationId,
      executionId: w.executionId,
      errorMessage: w.errorMessage,
    })),
  ];
}
