#!/usr/bin/env -S node --max-old-space-size=256
// The heap cap keeps RSS bounded under overload (README "Guarantees"); NODE_OPTIONS can raise it.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
