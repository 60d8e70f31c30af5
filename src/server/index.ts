export { type ApiOptions, createApiApp } from "./api.js";
export { ExeclensMetrics } from "./metrics.js";
