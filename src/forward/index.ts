export { type ForwardDropReason, type ForwardedRequest, OtlpForwarder } from "./otlp-forwarder.js";
