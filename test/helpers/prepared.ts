import { sql } from "drizzle-orm";
import type { Database } from "../../src/store/index.js";
import { queryRows } from "../../src/store/transaction.js";

/** Whether a statement with a parameter, run in a transaction of the store's `db`, was prepared. */
export async function preparedInTransaction(db: Database): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT ${"a"}::text AS prepared_or_not`);
    const rows = await queryRows<{ statement: string }>(
      tx,
      sql`SELECT statement FROM pg_prepared_statements`,
    );
    return rows.some((row) => row.statement.includes("prepared_or_not"));
  });
}
