export { Admission, type AdmissionLimits } from "./admission.js";
export type { ExportContext, TracesConsumer } from "./export-traces.js";
export { type GrpcReceiver, startGrpcReceiver } from "./grpc-receiver.js";
export { createHttpReceiver, type HttpReceiverOptions } from "./http-receiver.js";
export type { IngestGrant } from "./ingest-keys.js";
export { DEFAULT_SPAN_LIMITS, type SpanLimits } from "./limits.js";
export { decodeJsonRequest } from "./otlp-json.js";
export { decodeProtobufRequest } from "./otlp-protobuf.js";
