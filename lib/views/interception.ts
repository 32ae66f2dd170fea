import "server-only";
import type { InterceptionJson } from "@/lib/api-types";
import { policiesSelecting } from "@/lib/cilium/redirect-policy";
import type { RedirectPolicyState } from "@/lib/cilium/reader";
import { interceptionMode } from "@/lib/coredns/interception";
import type { RedirectPolicies } from "@/lib/coredns/reachability";
import type { Dashboard } from "@/lib/dashboard";
import type { NodeCacheLayout } from "@/lib/k8s/types";

/** The cluster's interception mode this request, and (LRP layout) the redirect policies as last read. */
export interface InterceptionNow {
  json: InterceptionJson;
  /** The reachability context for a pod of the DaemonSet; undefined outside the LRP layout. */
  redirect: RedirectPolicies | undefined;
}

const PENDING_NOTE = "Reading the CiliumLocalRedirectPolicies (the first read is under way).";

/** Which policies select the DaemonSet's pods (they share the template's labels), as reachability takes it. */
function redirectContext(state: RedirectPolicyState, layout: NodeCacheLayout): RedirectPolicies {
  if (state.kind === "pending") return { kind: "unreadable", message: PENDING_NOTE };
  if (state.kind === "unreadable") return { kind: "unreadable", message: state.message };
  const selecting = policiesSelecting(state.policies, {
    namespace: layout.namespace,
    labels: layout.podLabels,
  });
  return {
    kind: "selecting",
    policies: selecting.map((p) => ({ namespace: p.namespace, name: p.name, frontend: p.frontend })),
  };
}

/**
 * The mode from the DaemonSet (inventory) and the Corefile (the Config watch); in the LRP layout the
 * redirect policies, read with the dashboard's identity at most once a scrape interval. Null until
 * the DaemonSet is known.
 */
export async function interceptionNow(d: Dashboard): Promise<InterceptionNow | null> {
  const layout = d.inventory.snapshot().layout;
  if (!layout) return null;
  const corefile = d.config.currentCorefile();
  const verdict = interceptionMode(layout, corefile);
  if (verdict.mode !== "redirect") return { json: { ...verdict, redirect: null }, redirect: undefined };
  let state = d.cilium.redirectPolicies();
  // The first page in this layout waits for the first read rather than show "reading…" as a warning.
  if (state.kind === "pending") state = await d.cilium.refreshRedirectPolicies();
  // The same answer (the same objects) while nothing it reads changed: node rows built for it are
  // then shared between requests (lib/views/nodes.ts keys its short-lived build on `redirect`).
  const last = answers.get(d);
  if (last && last.layout === layout && last.corefile === corefile && last.state === state) return last.now;
  const now = redirectAnswer(verdict, state, layout);
  answers.set(d, { layout, corefile, state, now });
  return now;
}

const answers = new WeakMap<
  Dashboard,
  { layout: NodeCacheLayout; corefile: string | null; state: RedirectPolicyState; now: InterceptionNow }
>();

function redirectAnswer(
  verdict: ReturnType<typeof interceptionMode>,
  state: RedirectPolicyState,
  layout: NodeCacheLayout,
): InterceptionNow {
  const redirect = redirectContext(state, layout);
  return {
    json: {
      ...verdict,
      redirect:
        redirect.kind === "selecting"
          ? { policies: redirect.policies.map((p) => `${p.namespace}/${p.name}`), problem: null }
          : { policies: [], problem: redirect.message },
    },
    redirect,
  };
}
