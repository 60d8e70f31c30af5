export type { Batch, SendBatch } from "./attempt.js";
export { createDeliveryQueue, type DeliveryQueue, type DeliveryQueueOptions } from "./delivery-queue.js";
export { type HttpPost, post } from "./http-post.js";
export type { AttemptOutcome, DeliveryEvents, DropReason } from "./outcome.js";
export type { RetryPolicy } from "./retry.js";
