/** Describe (the portal), Execute (every row) and Sync: the same bytes for every run. */
const DESCRIBE_EXECUTE_SYNC = Buffer.from([
  68, 0, 0, 0, 6, 80, 0, 69, 0, 0, 0, 9, 0, 0, 0, 0, 0, 83, 0, 0, 0, 4,
]);

/**
 * The messages that run the prepared statement `statement` with `values` as text (null: SQL
 * NULL): Bind, Describe, Execute and Sync in one buffer, the bytes PGlite's own `serialize.bind`
 * and friends write. PGlite's serializer counts each value's UTF-8 length twice in a JavaScript
 * loop and grows its buffer from 256 bytes by copies; the writer's parameters are whole columns
 * of documents, megabytes per batch, which Buffer measures and writes natively.
 */
export function executeMessages(statement: string, values: readonly (string | null)[]): Uint8Array {
  const lengths = values.map((value) => (value === null ? 0 : Buffer.byteLength(value)));
  const names = 1 + Buffer.byteLength(statement) + 1; // portal "" and the statement, as C strings
  const formats = 2 + 2 * values.length; // a format code per value: text
  const data = 2 + lengths.reduce((sum, n) => sum + 4 + n, 0); // each value after its length
  const bindLength = 4 + names + formats + data + 2; // and no result format codes: text
  // allocUnsafeSlow: a buffer of its own (offset 0), every byte of which is written below
  const bytes = Buffer.allocUnsafeSlow(1 + bindLength + DESCRIBE_EXECUTE_SYNC.length);
  let at = bytes.writeUInt8(66, 0);
  at = bytes.writeInt32BE(bindLength, at);
  at = bytes.writeUInt8(0, at);
  at += bytes.write(statement, at);
  at = bytes.writeUInt8(0, at);
  at = bytes.writeUInt16BE(values.length, at);
  bytes.fill(0, at, at + 2 * values.length);
  at += 2 * values.length;
  at = bytes.writeUInt16BE(values.length, at);
  values.forEach((value, i) => {
    at = bytes.writeInt32BE(value === null ? -1 : (lengths[i] as number), at);
    if (value !== null) at += bytes.write(value, at);
  });
  at = bytes.writeInt16BE(0, at);
  DESCRIBE_EXECUTE_SYNC.copy(bytes, at);
  return bytes;
}
