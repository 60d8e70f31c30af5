import type * as Grpc from "@grpc/grpc-js";
import protobuf from "protobufjs/minimal.js";
import type { AccessKey } from "../model/index.js";
import type { Admission, AdmissionTicket } from "./admission.js";
import { asIngestError, type PermanentReason, type RetryableReason, statusesOf } from "./errors.js";
import { type ExportContext, exportTraces } from "./export-traces.js";
import { decode } from "./http-receiver.js";
import { checkIngestKey } from "./ingest-keys.js";
import { decodeProtobufRequest, encodeProtobufResponse } from "./otlp-protobuf.js";

export interface GrpcReceiverOptions {
  readonly context: ExportContext;
  readonly admission: Admission;
  /** Largest accepted message, after decompression. */
  readonly maxRequestBytes: number;
  /** EXECLENS_INGEST_KEYS, checked against the `authorization` metadata; none: every call is let in. */
  readonly ingestKeys: readonly AccessKey[];
  /** Plain gRPC when absent; else TLS credentials made with the grpc-js loaded here (see src/tls.ts). */
  readonly credentials?: (grpc: typeof Grpc) => Grpc.ServerCredentials;
  readonly onError?: (error: unknown) => void;
  /** Told of each call answered with an error, by reason (for the metrics). */
  readonly onRefused?: (reason: PermanentReason | RetryableReason) => void;
}

export interface GrpcReceiver {
  readonly port: number;
  /** Stops taking calls, lets the running ones finish, then closes. */
  close(): Promise<void>;
  /** Cancels the calls still running. */
  forceClose(): void;
}

const raw = (buffer: Buffer) => buffer;

/** opentelemetry.proto.collector.trace.v1.TraceService, with the bytes left to our own decoder. */
const TRACE_SERVICE: Grpc.ServiceDefinition = {
  Export: {
    path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    responseDeserialize: raw,
    originalName: "export",
  },
};

const protobufBody = { contentType: "application/grpc", decode: decodeProtobufRequest };

/** OTLP/gRPC traces receiver on host:port (0 picks a free port). @grpc/grpc-js is loaded only now. */
export async function startGrpcReceiver(
  options: GrpcReceiverOptions,
  host: string,
  port: number,
): Promise<GrpcReceiver> {
  const grpc = await import("@grpc/grpc-js");
  const server = new grpc.Server({
    "grpc.max_receive_message_length": options.maxRequestBytes,
    "grpc.max_concurrent_streams": 64,
  });
  server.addService(TRACE_SERVICE, {
    Export(call: Grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: Grpc.sendUnaryData<Uint8Array>) {
      handleExport(call.request, call.metadata, options).then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error, options, new grpc.Metadata())),
      );
    },
  });
  const boundPort = await new Promise<number>((resolve, reject) => {
    const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    server.bindAsync(
      address,
      options.credentials?.(grpc) ?? grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    );
  });
  return {
    port: boundPort,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    forceClose: () => server.forceShutdown(),
  };
}

async function handleExport(
  request: Buffer,
  metadata: Grpc.Metadata,
  options: GrpcReceiverOptions,
): Promise<Uint8Array> {
  const [authorization] = metadata.get("authorization");
  const grant = checkIngestKey(
    options.ingestKeys,
    typeof authorization === "string" ? authorization : authorization?.toString("utf8"),
  );
  let ticket: AdmissionTicket | undefined;
  try {
    ticket = options.admission.admit(request.byteLength);
    ticket.addBytes(request.byteLength);
    const result = await exportTraces(decode(protobufBody, request), options.context, ticket, "grpc", grant);
    options.context.onAccepted?.(request, "application/x-protobuf");
    return encodeProtobufResponse(result.rejectedSpans, result.errorMessage);
  } finally {
    ticket?.release();
  }
}

function toServiceError(
  error: unknown,
  options: GrpcReceiverOptions,
  metadata: Grpc.Metadata,
): Partial<Grpc.StatusObject> {
  const ingestError = asIngestError(error, options.onError);
  options.onRefused?.(ingestError.reason);
  const { grpc: code } = statusesOf(ingestError);
  if (ingestError.retryAfterSeconds !== undefined) {
    metadata.set(
      "grpc-status-details-bin",
      retryInfoStatus(code, ingestError.message, ingestError.retryAfterSeconds),
    );
  }
  return { code, details: ingestError.message, metadata };
}

/** google.rpc.Status carrying a google.rpc.RetryInfo, as OTLP asks of throttling answers. */
function retryInfoStatus(code: number, message: string, seconds: number): Buffer {
  const retryInfo = protobuf.Writer.create();
  retryInfo
    .uint32((1 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 0)
    .int64(seconds)
    .ldelim();
  const any = protobuf.Writer.create();
  any.uint32((1 << 3) | 2).string("type.googleapis.com/google.rpc.RetryInfo");
  any.uint32((2 << 3) | 2).bytes(retryInfo.finish());
  const status = protobuf.Writer.create();
  status.uint32((1 << 3) | 0).int32(code);
  status.uint32((2 << 3) | 2).string(message);
  status.uint32((3 << 3) | 2).bytes(any.finish());
  return Buffer.from(status.finish());
}
