/**
 * What the operator should know before pressing Apply: whether the edit will survive (addon-manager
 * reverts a Reconcile-mode ConfigMap), and what a restart will do to DNS (how many nodes lose their
 * cache at once; OnDelete never replaces pods). In the Cilium LRP layout, which network policies the
 * redirect breaks (seed 003's "gotcha").
 */

/** The ConfigMap's metadata the warnings read. */
export interface ConfigMapFacts {
  labels?: Record<string, string> | null;
}

/** The DaemonSet facts the warnings read, shaped like its spec.updateStrategy. */
export interface DaemonSetFacts {
  /** status.desiredNumberScheduled: nodes that should run a pod. */
  desired: number;
  updateStrategy?: {
    /** "RollingUpdate" (the default) or "OnDelete". */
    type?: string;
    rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } | null;
  } | null;
}

/** One warning; `code` lets the UI place it, `message` says what happens and what to do. */
export interface ApplyWarning {
  code: "addon-manager-reconcile" | "wide-rollout" | "on-delete" | "cilium-network-policy";
  message: string;
  /** cilium-network-policy: the CiliumNetworkPolicies at risk ("namespace/name"), when they could be listed. */
  policies?: string[];
}

/** The label addon-manager reads; "Reconcile" means it re-applies its manifest copy periodically. */
export const ADDON_MODE_LABEL = "addonmanager.kubernetes.io/mode";

/** A rollout that takes DNS from more than this share of nodes at once is flagged... */
export const WIDE_ROLLOUT_SHARE = 0.25;
/** ...or from more than this many nodes at once. */
export const WIDE_ROLLOUT_NODES = 10;

/**
 * Kubernetes's GetScaledValueFromIntOrPercent: an int as is, "N%" of `total` rounded up or down.
 * Throws on a string that is not a whole-number percentage, as the API server would.
 */
export function scaledIntOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const m = /^(-?\d+)%$/.exec(value);
  if (!m) {
    throw new RangeError(
      `invalid value for IntOrString: "${value}" is not a whole number or a percentage like "10%"`,
    );
  }
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * How many nodes a rolling update takes down at once, as the DaemonSet controller computes it:
 * maxUnavailable (default 1) and maxSurge (default 0) both scale against desired rounding UP; when
 * both come to 0 the controller falls back to 1 unavailable. 0 means surge: the new pod starts
 * beside the old one and no node is left without a cache. OnDelete takes none down (it replaces none).
 */
export function nodesDownAtOnce(ds: DaemonSetFacts): number {
  const type = ds.updateStrategy?.type ?? "RollingUpdate";
  if (type !== "RollingUpdate" || ds.desired <= 0) return 0;
  const ru = ds.updateStrategy?.rollingUpdate;
  const unavailable = scaledIntOrPercent(ru?.maxUnavailable ?? 1, ds.desired, true);
  const surge = scaledIntOrPercent(ru?.maxSurge ?? 0, ds.desired, true);
  if (unavailable === 0 && surge === 0) return 1;
  return Math.min(unavailable, ds.desired);
}

/**
 * Warnings before applying a change (restart = whether the operator asked for a rollout restart).
 * The wide-rollout warning skips one node at a time: that is the least a restart without surge can do.
 */
export function applyWarnings(configMap: ConfigMapFacts, ds: DaemonSetFacts, restart = true): ApplyWarning[] {
  const warnings: ApplyWarning[] = [];
  const mode = configMap.labels?.[ADDON_MODE_LABEL];
  if (mode === "Reconcile") {
    warnings.push({
      code: "addon-manager-reconcile",
      message:
        `The ConfigMap is labelled ${ADDON_MODE_LABEL}: Reconcile, so the addon manager will put its own copy ` +
        "back within about a minute and this edit will be reverted. Change the source manifest the addon " +
        "manager reads (or your cloud provider's setting), or set the label to EnsureExists first.",
    });
  }
  const type = ds.updateStrategy?.type ?? "RollingUpdate";
  if (type === "OnDelete") {
    warnings.push({
      code: "on-delete",
      message:
        "The DaemonSet's updateStrategy is OnDelete: a restart will not replace any pod. Each node picks the " +
        "change up only by reloading it, or when its pod is deleted by hand (kubectl delete pod).",
    });
  } else if (restart) {
    const down = nodesDownAtOnce(ds);
    if (down > 1 && (down > ds.desired * WIDE_ROLLOUT_SHARE || down > WIDE_ROLLOUT_NODES)) {
      const mu = ds.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
      const safe = Math.max(1, Math.min(Math.floor(ds.desired * WIDE_ROLLOUT_SHARE), WIDE_ROLLOUT_NODES));
      warnings.push({
        code: "wide-rollout",
        message:
          `The restart will replace up to ${down} of ${ds.desired} pods at once (maxUnavailable ${mu}); each ` +
          "replacement is a DNS blip on its node (kubernetes/dns#732). Lower the DaemonSet's " +
          `rollingUpdate.maxUnavailable to ${safe} or less before restarting.`,
      });
    }
  }
  return warnings;
}

/** What the dashboard could learn of the CiliumNetworkPolicies (lib/cilium/reader.ts), or nothing. */
export type NetworkPolicyFacts =
  | { kind: "listed"; atRisk: { namespace: string; name: string }[] }
  | { kind: "unreadable"; message: string }
  | { kind: "not-asked" };

const LRP_POLICY_GOTCHA =
  "With the Cilium Local Redirect Policy layout, pods' DNS queries to the kube-dns ClusterIP are delivered " +
  "to the node-local-dns pod, so a CiliumNetworkPolicy whose DNS egress allows only k8s-app: kube-dns " +
  "endpoints drops them (Hubble: EGRESS DENIED to kube-system/node-local-dns) and those pods time out " +
  "resolving names while the cache runs.";

const LRP_POLICY_FIX =
  "Add a second toEndpoints selector beside kube-dns: k8s:io.kubernetes.pod.namespace: kube-system, " +
  "k8s:k8s-app: node-local-dns (port 53, protocol ANY).";

/**
 * Seed 003's network-policy warning, for the LRP layout only: the policies at risk named when the
 * dashboard may list them; none at risk, no warning; unreadable or not asked, the general warning.
 */
export function ciliumPolicyWarning(facts: NetworkPolicyFacts): ApplyWarning | null {
  if (facts.kind === "listed") {
    if (facts.atRisk.length === 0) return null;
    const policies = facts.atRisk.map((p) => `${p.namespace}/${p.name}`);
    return {
      code: "cilium-network-policy",
      message: `${LRP_POLICY_GOTCHA} At risk now: ${policies.join(", ")}. ${LRP_POLICY_FIX}`,
      policies,
    };
  }
  const why =
    facts.kind === "unreadable" ? ` The dashboard cannot name the policies at risk: ${facts.message}.` : "";
  return {
    code: "cilium-network-policy",
    message: `${LRP_POLICY_GOTCHA} Check every CiliumNetworkPolicy that restricts egress. ${LRP_POLICY_FIX}${why}`,
  };
}
