import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { type DatabaseHandle, type DatabaseTarget, openDatabase } from "../../src/store/index.js";

/**
 * The same tests run on embedded PGlite and on the PostgreSQL server. Each test file gets a
 * database of its own. Without a reachable server the PostgreSQL half is skipped locally,
 * with a warning, and fails under CI=true.
 */
export const ADMIN_URL =
  process.env.EXECLENS_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const inCi = process.env.CI === "true";

export interface TestDatabase {
  readonly target: DatabaseTarget;
  /** A plain connection URL (PostgreSQL only), for tests that query around execlens. */
  readonly url: string | undefined;
  drop(): Promise<void>;
}

export interface DatabaseKind {
  readonly name: "pglite" | "postgres";
  /** A database of its own: migrated (execlens opens it as it would after a restart), or `empty`. */
  create(options?: { readonly empty?: boolean }): Promise<TestDatabase>;
}

async function serverReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await serverReachable();
if (unreachable !== undefined && !inCi) {
  console.warn(`PostgreSQL at ${ADMIN_URL} is not reachable (${unreachable}): PostgreSQL tests skipped`);
}

export const pglite: DatabaseKind = {
  name: "pglite",
  async create(options) {
    const dataDir = await mkdtemp(join(tmpdir(), "execlens-test-"));
    if (options?.empty !== true) await cp(inject("pgliteTemplate"), dataDir, { recursive: true });
    return {
      target: { dataDir },
      url: undefined,
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};

export const postgres: DatabaseKind = {
  name: "postgres",
  async create() {
    if (unreachable !== undefined)
      throw new Error(`PostgreSQL at ${ADMIN_URL} is not reachable: ${unreachable}`);
    const name = `execlens_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      // A test database need not wait for its WAL to reach the disk at each commit (the machine's
      // fsync dominates otherwise); durability is tested against a server of its own.
      await admin.query(`ALTER DATABASE ${name} SET synchronous_commit TO off`);
    } finally {
      await admin.end();
    }
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return {
      target: { databaseUrl: url.toString() },
      url: url.toString(),
      async drop() {
        const client = new pg.Client({ connectionString: ADMIN_URL });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  },
};

export const databaseKinds: DatabaseKind[] =
  unreachable !== undefined && !inCi ? [pglite] : [pglite, postgres];

/** describe() once per database kind. */
export function describeEachDatabase(title: string, body: (kind: DatabaseKind) => void): void {
  for (const kind of databaseKinds) describe(`${title} [${kind.name}]`, () => body(kind));
}

export interface OpenTestDatabase {
  readonly handle: DatabaseHandle;
  /** Closes and opens the same database again (migrations run again). */
  reopen(): Promise<void>;
}

/** A fresh, migrated database of this kind for the enclosing describe(), dropped after it. */
export function useOpenDatabase(kind: DatabaseKind): OpenTestDatabase {
  let testDatabase: TestDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    testDatabase = await kind.create();
    handle = await openDatabase(testDatabase.target);
  });
  afterAll(async () => {
    await handle?.close();
    await testDatabase?.drop();
  });
  return {
    get handle() {
      if (handle === undefined) throw new Error("the test database is not open yet");
      return handle;
    },
    async reopen() {
      await handle?.close();
      handle = await openDatabase((testDatabase as TestDatabase).target);
    },
  };
}
