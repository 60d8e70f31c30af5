// What the timeline draws: one entry per span of the workflow (itself, its steps, skills and model
// requests), placed by real start and duration. Pure: no DOM.
import { isTerminal, parseInstant } from "./format.js";

/**
 * @typedef {import("./types.js").WorkflowDetail} WorkflowDetail
 * @typedef {import("./types.js").StepExecution} StepExecution
 * @typedef {import("./types.js").SkillExecution} SkillExecution
 * @typedef {import("./types.js").LlmCall} LlmCall
 *
 * @typedef {{ kind: "workflow", source: WorkflowDetail }
 *   | { kind: "step", source: StepExecution }
 *   | { kind: "skill", source: SkillExecution }
 *   | { kind: "llm", source: LlmCall }} Subject
 *
 * @typedef {Subject & {
 *   key: string,
 *   label: string,
 *   status: string,
 *   start: number,
 *   end: number,
 *   running: boolean,
 *   depth: number,
 * }} Entry  start/end in ms since the epoch (fractional: µs kept); running: no end yet, drawn to `now`
 *
 * @typedef {{ entries: Entry[], start: number, end: number }} Timeline
 */

/** Among spans that start together, the enclosing kind first. */
const RANK = { workflow: 0, step: 1, skill: 2, llm: 3 };

/**
 * @param {string} startedAt
 * @param {string | null} completedAt
 * @param {number | null} durationMs
 * @param {string} status
 * @param {number} now
 */
function extent(startedAt, completedAt, durationMs, status, now) {
  const start = parseInstant(startedAt);
  if (completedAt !== null) return { start, end: Math.max(start, parseInstant(completedAt)), running: false };
  if (durationMs !== null) return { start, end: start + durationMs, running: false };
  const running = !isTerminal(status);
  return { start, end: running ? Math.max(start, now) : start, running };
}

/** A model request failed when it carries an error; it has no status of its own. @param {LlmCall} call */
const llmStatus = (call) => (call.errorMessage === null ? "completed" : "failed");

/**
 * @param {WorkflowDetail} detail
 * @param {number} now the end of what is still running
 * @returns {Timeline}
 */
export function timelineOf(detail, now) {
  /** @type {Entry[]} */
  const children = [
    ...detail.steps.map((step) => ({
      kind: /** @type {const} */ ("step"),
      source: step,
      key: `step:${step.wstpId}`,
      label: step.stepId ?? `step ${step.stepOrder ?? "?"}`,
      status: step.status,
      depth: 1,
      ...extent(step.startedAt, step.completedAt, step.durationMs, step.status, now),
    })),
    ...detail.skills.map((skill) => ({
      kind: /** @type {const} */ ("skill"),
      source: skill,
      key: `skill:${skill.execId}`,
      label: skill.skillName,
      status: skill.status,
      depth: 1,
      ...extent(skill.startedAt, skill.completedAt, skill.durationMs, skill.status, now),
    })),
    ...(detail.llmCalls ?? []).map((call) => ({
      kind: /** @type {const} */ ("llm"),
      source: call,
      key: `llm:${call.spanId}`,
      label: call.model ?? call.operation,
      status: llmStatus(call),
      depth: 1,
      ...extent(call.startedAt, call.completedAt, call.durationMs, llmStatus(call), now),
    })),
  ];
  // A skill or model request inside a step's time is drawn under it, and a model request inside
  // a skill's time under that (the API gives no parent span ids: time is the evidence).
  /** @param {Entry[]} outer @param {Entry} entry */
  const within = (outer, entry) =>
    outer.some((o) => o !== entry && o.start <= entry.start && entry.start <= o.end);
  const steps = children.filter((e) => e.kind === "step");
  const skills = children.filter((e) => e.kind === "skill");
  for (const entry of children) {
    if (entry.kind === "step") continue;
    entry.depth =
      1 + (within(steps, entry) ? 1 : 0) + (entry.kind === "llm" && within(skills, entry) ? 1 : 0);
  }
  children.sort((a, b) => a.start - b.start || RANK[a.kind] - RANK[b.kind] || a.label.localeCompare(b.label));
  const own = extent(detail.startedAt, detail.completedAt, detail.totalDurationMs, detail.status, now);
  const start = Math.min(own.start, ...children.map((e) => e.start));
  const end = Math.max(own.end, ...children.map((e) => e.end));
  /** @type {Entry} */
  const workflow = {
    kind: "workflow",
    source: detail,
    key: "workflow",
    label: detail.workflowName ?? "workflow",
    status: detail.status,
    depth: 0,
    start: Math.min(own.start, start),
    end: own.running ? end : own.end,
    running: own.running,
  };
  return { entries: [workflow, ...children], start, end: Math.max(end, start + 1) };
}
