import type { DatabaseHandle } from "../src/store/index.js";
import { benchDatabase, ensureVolume, type Volume } from "./bench-database.js";

/** A node of `EXPLAIN (FORMAT JSON)`. */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
export function planNodes(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(node);
  for (const child of node.Plans ?? []) planNodes(child, out);
  return out;
}

/** The database the plan checks run on: 1M/200k rows, or a small one with SMOKE=1. */
export async function planDatabase(): Promise<{ url: string; handle: DatabaseHandle; volume: Volume }> {
  const smoke = process.env.SMOKE === "1";
  const volume = smoke
    ? { skills: 20_000, workflows: 4_000, days: 30 }
    : { skills: 1_000_000, workflows: 200_000, days: 30 };
  const { url, handle } = await benchDatabase(smoke ? "execlens_bench_smoke" : "execlens_bench_explain");
  await ensureVolume(url, volume, (line) => console.log(line));
  return { url, handle, volume };
}
