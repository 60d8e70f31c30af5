export { type ForwardedRequest, type ForwarderOptions, OtlpForwarder } from "./otlp-forwarder.js";
