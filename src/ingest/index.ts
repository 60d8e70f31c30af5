export { createIngest, type IngestMetrics, type IngestOptions, type OutcomeObserver } from "./pipeline.js";
