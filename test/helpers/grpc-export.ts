import * as grpc from "@grpc/grpc-js";

export interface ExportCall {
  readonly code: number;
  readonly details: string;
  readonly metadata: grpc.Metadata | undefined;
  readonly response: Buffer | undefined;
}

/** One raw TraceService/Export call with the given bytes, as any gRPC client would send them. */
export function grpcExport(client: grpc.Client, body: Uint8Array): Promise<ExportCall> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      body,
      (error, response) =>
        resolve({
          code: error ? (error.code ?? -1) : grpc.status.OK,
          details: error?.details ?? "",
          metadata: error?.metadata,
          response,
        }),
    );
  });
}
