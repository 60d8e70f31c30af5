export { FAMILIES, type Family, familyTables } from "./conventions/index.js";
export { type MappingOptions, mapSpans, type RequestSpans, requestSpans } from "./map-spans.js";
export { type MappingRule, targetProblem } from "./mapping-rules.js";
export { DEFAULT_PRICES, type ModelPrice, PRICES_READ_ON } from "./prices.js";
export { roleOf } from "./roles.js";
