import { z } from "zod";
import { READS, requireReader } from "@/lib/auth/access";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute, parseQuery } from "@/lib/http/route";
import { MAX_WINDOW_ROWS, overviewView } from "@/lib/views/overview";

export const dynamic = "force-dynamic";

const query = z.object({
  since: z.string().max(64, "must be a version this server answered").optional(),
  rows: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",").filter(Boolean) : []))
    .refine((names) => names.length <= MAX_WINDOW_ROWS, `must name at most ${MAX_WINDOW_ROWS} nodes`),
});

export const GET = apiRoute("/api/overview", async (request: Request) => {
  const { since, rows } = parseQuery(request, query);
  await requireReader(request, [READS.nodes(), READS.cachePods()]);
  return overviewView(await startDashboard(), { since, window: rows });
});
