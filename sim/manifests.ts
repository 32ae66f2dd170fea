/**
 * Everything the simulated cluster holds before its controllers start: namespaces, nodes, RBAC,
 * Services, and the node-local-dns addon exactly as the upstream manifest creates it.
 */
import type { KubeObject } from "./k8s/types";
import { addonObjects } from "./objects/addon";
import { nodeObject } from "./objects/nodes";
import { rbacObjects } from "./objects/rbac";
import { NAMESPACES, namespaceObject, serviceObjects } from "./objects/services";

export { nodeName } from "./objects/nodes";

/** The initial objects in creation order (namespaces before what lives in them). */
export function initialObjects(opts: { addressBase: number; nodes: number; now?: Date }): KubeObject[] {
  const nodes = Array.from({ length: opts.nodes }, (_, i) => nodeObject(opts.addressBase, i, opts.now));
  return [
    ...NAMESPACES.map(namespaceObject),
    ...nodes,
    ...rbacObjects(),
    ...serviceObjects(),
    ...addonObjects(),
  ];
}
