import { z } from "zod";

/**
 * One configuration setting: its environment variable and flag (text), its key in the YAML file
 * (a typed YAML value), one schema that reads either into the same typed value, and its default,
 * written once: the help text, `config print` and the README are made from it.
 */
export interface Setting<T = unknown> {
  readonly env: string;
  readonly flag: string;
  readonly help: string;
  readonly schema: z.ZodType<T>;
  /** The value when nothing sets it; undefined for an optional setting. */
  readonly default: T;
  /** What an optional setting being unset means, for the help text ("embedded PGlite"). */
  readonly unset?: string;
  /** Never echoed in errors, masked by `config print`. */
  readonly secret?: boolean;
  /** A true/false setting whose flag alone (`--allow-open-api`) means true. */
  readonly bare?: boolean;
}

export type Settings = Readonly<Record<string, Setting>>;

/** The typed configuration a group of settings gives. */
export type ConfigOf<S extends Settings> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

interface Spec<T> {
  readonly env: string;
  readonly flag: string;
  readonly help: string;
  readonly schema: z.ZodType<T, unknown>;
  readonly secret?: boolean;
  readonly bare?: boolean;
}

/** A setting with a default. */
export function setting<T>(spec: Spec<T> & { readonly default: T }): Setting<T> {
  return spec;
}

/** A setting that may stay unset (`unset` says what that means). */
export function optionalSetting<T>(spec: Spec<T> & { readonly unset: string }): Setting<T | undefined> {
  return { ...spec, schema: spec.schema.optional(), default: undefined };
}

export const port = z.coerce.number().int().min(0).max(65535);
export const positiveInt = z.coerce.number().int().min(1);

/** true/false as a variable or flag spells it, or a YAML boolean. */
export const flagBoolean = z.preprocess(
  (value) => (value === "true" ? true : value === "false" ? false : value),
  z.boolean({ error: "must be true or false" }),
);

/**
 * A structured value: JSON in its variable or flag, YAML structure in the configuration file.
 * An invalid entry is named by its path (`0.input`), or by `where` (`rule 2 ("tenants")`).
 */
export function structured<T>(
  schema: z.ZodType<T>,
  where: (path: readonly PropertyKey[], value: unknown) => string = (path) => path.join("."),
): z.ZodType<T, unknown> {
  return z.unknown().transform((input, ctx): T => {
    let value = input;
    if (typeof input === "string") {
      try {
        value = JSON.parse(input);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `not valid JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    ctx.addIssue({
      code: "custom",
      message: `${path.length > 0 ? where(path, value) : "value"}: ${issue?.message}`,
    });
    return z.NEVER;
  });
}

/**
 * A value with a text form for variables and flags (parsed by `fromText`, which throws with the
 * reason) and a structured form for the YAML file (checked by `schema`).
 */
export function textOr<T>(fromText: (text: string) => unknown, schema: z.ZodType<T>): z.ZodType<T, unknown> {
  return z.unknown().transform((input, ctx): T => {
    let value = input;
    if (typeof input === "string") {
      try {
        value = fromText(input);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: parsed.error.issues[0]?.message ?? "invalid value" });
    return z.NEVER;
  });
}
