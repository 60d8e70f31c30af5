// One skill execution: the same details the workflow page shows for a skill bar.
import { ApiError, getJson, setUpKeyButton } from "./api.js";
import { detailsOf } from "./details.js";
import { byId, fill, h } from "./dom.js";
import { say } from "./widgets.js";

/** @typedef {import("./types.js").SkillExecution} SkillExecution */

const id = decodeURIComponent(location.pathname.split("/").pop() ?? "");
const status = byId("page-status");

setUpKeyButton();
try {
  /** @type {SkillExecution} */
  const skill = await getJson(`/api/skill-executions/${encodeURIComponent(id)}`);
  byId("title").textContent = skill.skillName;
  document.title = `${skill.skillName} · execlens`;
  say(status, "");
  fill(
    byId("details-body"),
    skill.workflowExecutionId === null
      ? null
      : h(
          "p",
          {},
          "Ran in ",
          h(
            "a",
            { href: `/workflow-executions/${skill.workflowExecutionId}#skill:${skill.execId}` },
            "its workflow execution",
          ),
          ".",
        ),
    detailsOf({ kind: "skill", source: skill }),
  );
} catch (error) {
  say(
    status,
    error instanceof ApiError && error.status === 404
      ? "No such skill execution (or not in this API key's organisations)."
      : `Could not load: ${error instanceof Error ? error.message : String(error)}`,
    true,
  );
}
