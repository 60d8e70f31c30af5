import { type AccessKey, findAccessKey } from "../model/index.js";
import { IngestError } from "./errors.js";

/** What a request's ingest key grants: the organisation its rows are stored under, if it pins one. */
export interface IngestGrant {
  readonly organizationId?: string;
}

const OPEN: IngestGrant = {};

/**
 * Checks the `Authorization` header (or gRPC `authorization` metadata) of an OTLP request
 * against EXECLENS_INGEST_KEYS. With none configured every request is let in as it is. A key is
 * sent as `Bearer <key>` (what OTEL_EXPORTER_OTLP_HEADERS and the Collector's bearertokenauth
 * send) or by basic auth, the key as the password (the Collector's basicauth; a client that
 * only has a user name may send the key as the user with an empty password).
 */
export function checkIngestKey(keys: readonly AccessKey[], authorization: string | undefined): IngestGrant {
  if (keys.length === 0) return OPEN;
  const presented = authorization === undefined ? undefined : presentedKey(authorization);
  if (presented === undefined) {
    throw IngestError.permanent(
      "unauthenticated",
      "an ingest key is required: send Authorization: Bearer <key> (or basic auth with the key as the password)",
    );
  }
  const key = findAccessKey(keys, presented);
  if (key === undefined) throw IngestError.permanent("unauthenticated", "unknown ingest key");
  return key.organizations === "*" ? OPEN : { organizationId: key.organizations[0] };
}

function presentedKey(header: string): string | undefined {
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header.trim());
  if (match === null) return undefined;
  const token = match[2] as string;
  if ((match[1] as string).toLowerCase() === "bearer") return token;
  const decoded = Buffer.from(token, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const password = decoded.slice(colon + 1);
  const user = decoded.slice(0, colon);
  const key = password !== "" ? password : user;
  return key === "" ? undefined : key;
}
