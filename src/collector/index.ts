export { createHttpReceiver, type HttpReceiverOptions, type TracesConsumer } from "./http-receiver.js";
export { decodeJsonRequest } from "./otlp-json.js";
export { decodeProtobufRequest } from "./otlp-protobuf.js";
export * from "./span.js";
