/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";

/**
 * One workflow execution: its summary, the timeline of its steps, skills and model requests, and
 * the attributes of the bar picked. Filled by workflow.js; the execution id is in the URL.
 */
export const WorkflowPage: FC = () => (
  <>
    <nav aria-label="Breadcrumb" class="breadcrumb">
      <a href="/">Executions</a> <span aria-hidden="true">›</span> <span>Workflow execution</span>
    </nav>
    <section id="summary" class="summary" aria-labelledby="title">
      <h1 id="title">Workflow execution</h1>
      <p id="page-status" role="status" aria-live="polite">
        Loading…
      </p>
      <dl id="facts" class="facts" />
    </section>
    <div class="workflow-layout">
      <section class="timeline-section" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <p class="hint" id="timeline-hint">
          Steps, skills and model requests by their start. Pick a bar to see its attributes; ↑ and ↓ move
          between bars.
        </p>
        <div id="timeline" />
      </section>
      <section id="details" class="details" aria-labelledby="details-title" tabindex={-1} hidden>
        <h2 id="details-title">Details</h2>
        <div id="details-body" />
      </section>
    </div>
  </>
);

/** One skill execution: its summary and attributes, with a link to its workflow. Filled by skill.js. */
export const SkillPage: FC = () => (
  <>
    <nav aria-label="Breadcrumb" class="breadcrumb">
      <a href="/?kind=skills">Skill executions</a> <span aria-hidden="true">›</span>{" "}
      <span>Skill execution</span>
    </nav>
    <section class="summary" aria-labelledby="title">
      <h1 id="title">Skill execution</h1>
      <p id="page-status" role="status" aria-live="polite">
        Loading…
      </p>
    </section>
    <section id="details" class="details" aria-labelledby="details-title">
      <h2 id="details-title" class="visually-hidden">
        Details
      </h2>
      <div id="details-body" />
    </section>
  </>
);
