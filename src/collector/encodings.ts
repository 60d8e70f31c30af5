import protobuf from "protobufjs/minimal.js";
import type { DecodedRequest } from "../model/index.js";
import { decodeJsonRequest, encodeJsonResponse } from "./otlp-json.js";
import { decodeProtobufRequest, encodeProtobufResponse } from "./otlp-protobuf.js";

/** One OTLP/HTTP body encoding: how requests decode and how answers are written in it. */
export interface Encoding {
  readonly contentType: string;
  decode(body: Uint8Array): DecodedRequest;
  encodeResponse(rejectedSpans: number, errorMessage: string): Uint8Array | string;
  /** A google.rpc.Status body, which OTLP/HTTP sends with every failure. */
  encodeStatus(code: number, message: string): Uint8Array | string;
}

const protobufEncoding: Encoding = {
  contentType: "application/x-protobuf",
  decode: decodeProtobufRequest,
  encodeResponse: encodeProtobufResponse,
  encodeStatus(code, message) {
    const writer = protobuf.Writer.create();
    if (code !== 0) writer.uint32((1 << 3) | 0).int32(code);
    if (message !== "") writer.uint32((2 << 3) | 2).string(message);
    return writer.finish();
  },
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

export const jsonEncoding: Encoding = {
  contentType: "application/json",
  decode: (body) => decodeJsonRequest(utf8.decode(body)),
  encodeResponse: encodeJsonResponse,
  encodeStatus: (code, message) => JSON.stringify({ code, message }),
};

/** The encoding for a Content-Type header, or undefined when it is not an OTLP one. */
export function encodingFor(contentType: string | undefined): Encoding | undefined {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  switch (mediaType) {
    case "application/x-protobuf":
    case "application/protobuf":
      return protobufEncoding;
    case "application/json":
      return jsonEncoding;
    default:
      return undefined;
  }
}
