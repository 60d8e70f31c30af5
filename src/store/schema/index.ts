export * from "./llm-calls.js";
export * from "./skill-executions.js";
export * from "./span-links.js";
export * from "./workflow-executions.js";
export * from "./workflow-step-executions.js";
