// Preloaded with `node --import`: appends the URL of every module the process resolves to the
// file EXECLENS_MODULE_LOG names, so that a test can tell what a command loaded.
import { register } from "node:module";

register("./module-log-hooks.mjs", import.meta.url, { data: { file: process.env.EXECLENS_MODULE_LOG } });
