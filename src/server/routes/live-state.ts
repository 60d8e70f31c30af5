import type { Database, Scope, WorkflowExecutionDetail } from "../../store/index.js";
import { getWorkflowExecution } from "../../store/index.js";
import { progressOf } from "../schemas.js";

/** Statuses after which a workflow execution changes no more (a later real span aside). */

export interface LiveState {
  readonly executionId: string;
  readonly wkexId: string;
  readonly status: string;
  readonly progress: number | null;
  readonly currentStepId: string | null;
  readonly currentStepOrder: number | null;
  readonly completedSteps: number | null;
  readonly totalSteps: number | null;
  readonly errorStep: string | null;
  readonly errorMessage: string | null;
  readonly steps: ReadonlyArray<{
    readonly stepId: string | null;
    readonly stepOrder: number | null;
    readonly status: string;
    readonly durationMs: number | null;
  }>;
}

export function liveStateOf(detail: WorkflowExecutionDetail): LiveState {
  const w = detail.workflow;
  return {
    executionId: w.executionId,
    wkexId: w.wkexId,
    status: w.status,
    progress: progressOf(w),
    currentStepId: w.currentStepId,
    currentStepOrder: w.currentStepOrder,
    completedSteps: w.completedSteps,
    totalSteps: w.totalSteps,
    errorStep: w.errorStep,
    errorMessage: w.errorMessage,
    steps: detail.steps.map((s) => ({
      stepId: s.stepId,
      stepOrder: s.stepOrder,
      status: s.status,
      durationMs: s.durationMs,
    })),
  };
}

export async function readLiveState(
  db: Database,
  scope: Scope,
  executionId: string,
): Promise<LiveState | undefined> {
  const detail = await getWorkflowExecution(db, scope, executionId);
  return detail === undefined ? undefined : liveStateOf(detail);
}
