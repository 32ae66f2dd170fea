/**
 * Everything the simulated cluster holds before its controllers start: namespaces, nodes, RBAC,
 * Services, and the node-local-dns addon exactly as the upstream manifest creates it (or as seed 003's
 * Cilium Local Redirect Policy deployment does).
 */
import type { KubeObject } from "./k8s/types";
import { addonObjects } from "./objects/addon";
import {
  kubeDnsOnlyNetworkPolicy,
  localRedirectPolicy,
  lrpAddonObjects,
  type SimMode,
} from "./objects/cilium";
import { nodeObject } from "./objects/nodes";
import { rbacObjects } from "./objects/rbac";
import { NAMESPACES, namespaceObject, serviceObjects } from "./objects/services";

export { nodeName } from "./objects/nodes";

/**
 * The initial objects in creation order (namespaces before what lives in them). Mode `cilium-lrp`
 * replaces the addon with seed 003's layout and adds its Local Redirect Policy and network policy.
 */
export function initialObjects(opts: {
  addressBase: number;
  nodes: number;
  now?: Date;
  mode?: SimMode;
}): KubeObject[] {
  const nodes = Array.from({ length: opts.nodes }, (_, i) => nodeObject(opts.addressBase, i, opts.now));
  return [
    ...NAMESPACES.map(namespaceObject),
    ...nodes,
    ...rbacObjects(),
    ...serviceObjects(),
    ...(opts.mode === "cilium-lrp"
      ? [...lrpAddonObjects(), localRedirectPolicy(), kubeDnsOnlyNetworkPolicy()]
      : addonObjects()),
  ];
}
