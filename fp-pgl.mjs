import { PGlite } from "@electric-sql/pglite";
import { readFileSync } from "node:fs";
const rss = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/self/status`, "utf8"))[1]) / 1024);
const hwm = () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/self/status`, "utf8"))[1]) / 1024);
const [dir, conf, mem] = [process.argv[2], process.argv[3], process.argv[4]];
console.log("base", rss(), JSON.stringify(process.memoryUsage()));
const defaults = ["--single","-F","-O","-j","-c","search_path=public","-c","exit_on_error=false","-c","log_checkpoints=false","-c","max_worker_processes=0","-c","max_parallel_workers=0","-c","max_parallel_workers_per_gather=0","-c","io_method=sync","-c","max_parallel_maintenance_workers=0"];
const extra = conf ? conf.split(" ").flatMap((c) => ["-c", c]) : [];
const t = performance.now();
const pg = await PGlite.create(dir, { startParams: [...defaults, ...extra], ...(mem ? { initialMemory: Number(mem) * 1024 * 1024 } : {}) });
console.log("open ms", Math.round(performance.now() - t), "rss", rss(), "hwm", hwm());
console.log((await pg.query("select name, setting, unit from pg_settings where name in ('shared_buffers','wal_buffers','work_mem','max_connections','maintenance_work_mem','temp_buffers')")).rows.map(r=>`${r.name}=${r.setting}${r.unit??''}`).join(" "));
const mu = process.memoryUsage(); console.log("after", rss(), "heap", Math.round(mu.heapUsed/1e6), "ext", Math.round(mu.external/1e6), "ab", Math.round(mu.arrayBuffers/1e6));
if (global.gc) { gc(); console.log("after gc", rss()); }
await pg.close();
