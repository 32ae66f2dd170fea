import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../../sim/k8s/types";

const BASE = path.resolve(__dirname, "../../deploy/base");
const CILIUM = path.resolve(__dirname, "../../deploy/cilium");

function load(file: string): KubeObject[] {
  return parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => Boolean(o?.kind));
}

/**
 * The dashboard's ServiceAccount, every RBAC object deploy/ grants it and the (empty) history ConfigMap
 * it may only update, exactly as applied by `kubectl apply -k deploy/`. Loaded into the simulated
 * cluster so the app runs under those rules only.
 */
export function deployRbacObjects(): KubeObject[] {
  return ["serviceaccount.yaml", "rbac.yaml", "rbac-proxy-mode.yaml", "history-configmap.yaml"].flatMap(
    (file) => load(path.join(BASE, file)),
  );
}

/** deploy/cilium's optional rules (CiliumLocalRedirectPolicies, CiliumNetworkPolicies), as applied. */
export function deployCiliumRbacObjects(): KubeObject[] {
  return load(path.join(CILIUM, "rbac-cilium.yaml"));
}
