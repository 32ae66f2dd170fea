/**
 * ControllerRevisions of a DaemonSet, as the real controller keeps them: one per distinct pod
 * template, named `<ds>-<hash>`, numbered in order of use, trimmed to revisionHistoryLimit. They are
 * what `kubectl rollout history` lists and what `kubectl rollout undo` restores.
 */
import { RESOURCES, StoreError, type ObjectStore } from "./store";
import type { KubeObject } from "./types";

function revisionOf(cr: KubeObject): number {
  return typeof cr.revision === "number" ? cr.revision : 0;
}

/** Makes sure the current template's revision exists and is the newest; drops the oldest beyond the limit. */
export function syncHistory(
  store: ObjectStore,
  ds: KubeObject,
  hash: string,
  liveHashes: ReadonlySet<string>,
): void {
  const namespace = ds.metadata.namespace;
  const owned = store
    .list(RESOURCES.controllerrevisions, namespace)
    .items.filter((cr) =>
      cr.metadata.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata.uid),
    );
  const max = owned.reduce((m, cr) => Math.max(m, revisionOf(cr)), 0);
  const name = `${ds.metadata.name}-${hash}`;
  const current = owned.find((cr) => cr.metadata.name === name);
  const spec = ds.spec as {
    template?: { metadata?: { labels?: Record<string, string> } };
    revisionHistoryLimit?: number;
  };
  try {
    if (!current) {
      store.create(RESOURCES.controllerrevisions, {
        apiVersion: "apps/v1",
        kind: "ControllerRevision",
        metadata: {
          name,
          namespace,
          labels: { ...spec.template?.metadata?.labels, "controller-revision-hash": hash },
          annotations: { "deprecated.daemonset.template.generation": String(ds.metadata.generation ?? 1) },
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "DaemonSet",
              name: ds.metadata.name,
              uid: ds.metadata.uid ?? "",
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        data: { spec: { template: { ...structuredClone(spec.template), $patch: "replace" } } },
        revision: max + 1,
      });
    } else if (revisionOf(current) < max) {
      // Rolling back to an older template makes its revision the newest again.
      store.mutate(RESOURCES.controllerrevisions, namespace, name, (cr) => {
        cr.revision = max + 1;
      });
    }
    const limit = spec.revisionHistoryLimit ?? 10;
    const old = owned
      .filter(
        (cr) =>
          cr.metadata.name !== name &&
          !liveHashes.has(cr.metadata.labels?.["controller-revision-hash"] ?? ""),
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const cr of old.slice(0, Math.max(0, old.length - limit)))
      store.delete(RESOURCES.controllerrevisions, namespace, cr.metadata.name);
  } catch (err) {
    // Another sync got there first; the next sync sees its result.
    if (!(err instanceof StoreError)) throw err;
  }
}
