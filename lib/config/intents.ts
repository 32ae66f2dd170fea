/**
 * The config editor's request bodies: a small JSON of intents ("log on for cluster.local:53",
 * "success capacity 5000") or the raw Corefile, always with the resourceVersion it was based on so the
 * write can be refused (409) when the ConfigMap changed underneath.
 */
import { z } from "zod";
import { DashboardError } from "@/lib/errors";

/**
 * TTLs and capacities above 2^31-1 are refused: DNS TTLs are at most 2^31-1 (RFC 2181 §8), and a
 * capacity that large would need terabytes of memory long before it mattered.
 */
export const MAX_INT_SETTING = 2_147_483_647;

/** Query logging is too loud to leave on: a timed `log` lasts at most a day. */
export const MAX_LOG_MINUTES = 24 * 60;

/** A ConfigMap holds at most 1 MiB of data (the API server refuses more). */
export const MAX_COREFILE_BYTES = 1024 * 1024;

const wholeNumber = (what: string, min: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(MAX_INT_SETTING, { error: `${what} must be at most ${MAX_INT_SETTING}` });

const blockName = z
  .string({ error: 'block must be a server block key as written, e.g. "cluster.local:53", or "*" for all' })
  .min(1, {
    error: 'block must not be empty: use a key as written, e.g. "cluster.local:53", or "*" for all',
  });

const setLogEdit = z.strictObject({
  op: z.literal("setLog"),
  block: blockName,
  on: z.boolean({ error: "on must be true or false" }),
});

const setCacheEdit = z
  .strictObject({
    op: z.literal("setCache"),
    block: blockName,
    tier: z.enum(["success", "denial"], { error: 'tier must be "success" or "denial"' }),
    // CoreDNS accepts `success 0`: below 1024 its cache rounds up to 1024 entries (plugin/pkg/cache New).
    capacity: wholeNumber("capacity", 0).optional(),
    maxTtl: wholeNumber("maxTtl", 1).optional(),
    // CoreDNS accepts a minimum TTL of 0 ("cache min TTL can not be negative").
    minTtl: wholeNumber("minTtl", 0).optional(),
  })
  .refine((e) => e.capacity !== undefined || e.maxTtl !== undefined || e.minTtl !== undefined, {
    error: "setCache needs at least one of capacity, maxTtl, minTtl",
  })
  .refine((e) => e.minTtl === undefined || e.maxTtl === undefined || e.minTtl <= e.maxTtl, {
    error: "minTtl must not be greater than maxTtl",
  });

const setCacheTtlEdit = z.strictObject({
  op: z.literal("setCacheTtl"),
  block: blockName,
  ttl: wholeNumber("ttl", 1),
});

/** One intent; `block` is a server block key as written ("cluster.local:53") or "*" for every block. */
export const editSchema = z.discriminatedUnion("op", [setLogEdit, setCacheEdit, setCacheTtlEdit], {
  error: 'op must be one of "setLog", "setCache", "setCacheTtl"',
});

/** One intent of the config editor. */
export type Edit = z.infer<typeof editSchema>;
/** `{ op: "setLog", block, on }`: add or remove `log` in a block. */
export type SetLogEdit = z.infer<typeof setLogEdit>;
/** `{ op: "setCache", block, tier, capacity?, maxTtl?, minTtl? }`: one `success`/`denial` line. */
export type SetCacheEdit = z.infer<typeof setCacheEdit>;
/** `{ op: "setCacheTtl", block, ttl }`: the `cache TTL` argument (max TTL of both tiers). */
export type SetCacheTtlEdit = z.infer<typeof setCacheTtlEdit>;

const logFor = z.strictObject({
  minutes: z
    .number({ error: "logFor.minutes must be a number" })
    .int({ error: "logFor.minutes must be a whole number" })
    .min(1, { error: "logFor.minutes must be at least 1" })
    .max(MAX_LOG_MINUTES, { error: `logFor.minutes must be at most ${MAX_LOG_MINUTES} (a day)` }),
});

const bodyFields = {
  resourceVersion: z
    .string({ error: "resourceVersion is required: send the one GET /api/config returned" })
    .min(1, { error: "resourceVersion must not be empty: send the one GET /api/config returned" }),
  edits: z.array(editSchema, { error: "edits must be a list" }).optional(),
  corefile: z
    .string({ error: "corefile must be the Corefile's text" })
    .max(MAX_COREFILE_BYTES, { error: "corefile is too large: a ConfigMap holds at most 1 MiB" })
    .optional(),
  logFor: logFor.optional(),
};

type RawBody = {
  edits?: Edit[] | undefined;
  corefile?: string | undefined;
  logFor?: { minutes: number } | undefined;
};

/** Exactly one of edits / corefile; logFor only with an edit that turns `log` on. */
function checkBody(body: RawBody, ctx: z.RefinementCtx): void {
  const hasEdits = body.edits !== undefined;
  const hasText = body.corefile !== undefined;
  if (hasEdits === hasText) {
    ctx.addIssue({
      code: "custom",
      message: hasEdits
        ? 'send either "edits" or "corefile", not both'
        : 'send "edits" (a list of intents) or "corefile" (the whole text)',
    });
    return;
  }
  if (hasEdits && body.edits?.length === 0) {
    ctx.addIssue({ code: "custom", path: ["edits"], message: "edits must hold at least one edit" });
  }
  if (body.logFor && !(body.edits ?? []).some((e) => e.op === "setLog" && e.on)) {
    ctx.addIssue({
      code: "custom",
      path: ["logFor"],
      message: 'logFor needs an edit that turns logging on: { "op": "setLog", "block": ..., "on": true }',
    });
  }
}

/** The change itself, either form. */
export type ConfigChange = { edits: Edit[] } | { corefile: string };

/** Body of `POST /api/config/preview`. */
export type PreviewBody = ConfigChange & {
  resourceVersion: string;
  /** Turn `log` on for this long; the dashboard turns it off again when the time is up. */
  logFor?: { minutes: number };
};

/** Body of `PUT /api/config`: a preview body plus whether to `rollout restart` after the write. */
export type ApplyBody = PreviewBody & {
  /** Restart the DaemonSet after writing (the documented way to make the change live); default false. */
  restart: boolean;
};

function toChange(b: RawBody): ConfigChange {
  return b.edits !== undefined ? { edits: b.edits } : { corefile: b.corefile ?? "" };
}

/** zod schema of the preview body (output already narrowed to one form). */
export const previewBodySchema = z
  .strictObject(bodyFields)
  .superRefine(checkBody)
  .transform((b): PreviewBody => ({
    resourceVersion: b.resourceVersion,
    ...toChange(b),
    ...(b.logFor ? { logFor: b.logFor } : {}),
  }));

/** zod schema of the apply body. */
export const applyBodySchema = z
  .strictObject({ ...bodyFields, restart: z.boolean({ error: "restart must be true or false" }).optional() })
  .superRefine(checkBody)
  .transform((b): ApplyBody => ({
    resourceVersion: b.resourceVersion,
    ...toChange(b),
    ...(b.logFor ? { logFor: b.logFor } : {}),
    restart: b.restart ?? false,
  }));

/** `edits[0].capacity`: where in the body a problem is, as the operator wrote it. */
function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out;
}

/** One line per problem: "edits[0].capacity: capacity must be a whole number". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const where = pathText(i.path);
    if (i.code === "unrecognized_keys") {
      const keys = i.keys.map((k) => `"${k}"`).join(", ");
      return `${where ? `${where}: ` : ""}unknown field ${keys}`;
    }
    return where ? `${where}: ${i.message}` : i.message;
  });
}

/** A request body the config API cannot use; `details.problems` lists every problem. */
export class ConfigRequestError extends DashboardError {
  constructor(readonly problems: string[]) {
    super(422, `the request body is not a valid config change: ${problems.join("; ")}`, { problems });
  }
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ConfigRequestError([
      'the body must be a JSON object: { "resourceVersion": ..., "edits": [...] }',
    ]);
  }
  const r = schema.safeParse(body);
  if (!r.success) throw new ConfigRequestError(describeIssues(r.error));
  return r.data;
}

/** Validates a `POST /api/config/preview` body; throws ConfigRequestError (422) listing every problem. */
export function parsePreviewBody(body: unknown): PreviewBody {
  return parseWith(previewBodySchema, body);
}

/** Validates a `PUT /api/config` body; throws ConfigRequestError (422) listing every problem. */
export function parseApplyBody(body: unknown): ApplyBody {
  return parseWith(applyBodySchema, body);
}
