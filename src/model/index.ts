export * from "./access-keys.js";
export * from "./execution.js";
export * from "./ids.js";
export * from "./outcomes.js";
export * from "./settings.js";
export * from "./span.js";
export * from "./timestamp.js";
