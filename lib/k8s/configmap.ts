import "server-only";
import type { CoreV1Api, V1ConfigMap } from "@kubernetes/client-node";
import { DashboardError } from "@/lib/errors";
import { kubeRequestError, kubeStatus } from "./kube-request";

/** The ConfigMap key node-cache mounts as /etc/coredns/Corefile.base. */
export const COREFILE_KEY = "Corefile";

/** The field manager of every write the dashboard makes (`metadata.managedFields[].manager`). */
export const DASHBOARD_FIELD_MANAGER = "nodelocal-dns-dashboard";

/** Which ConfigMap holds the Corefile. */
export interface ConfigMapRef {
  namespace: string;
  name: string;
}

/** The node-local-dns ConfigMap as the config editor needs it. */
export interface CorefileConfigMap {
  namespace: string;
  name: string;
  uid: string;
  /** The version an edit is based on; a write carrying an older one is refused with 409. */
  resourceVersion: string;
  corefile: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Who last wrote the Corefile key, from managedFields: the entry owning `data.Corefile`. */
  corefileManager: { manager: string; operation: string; time: string | null } | null;
}

/**
 * The managedFields entry that owns `f:data` → `f:Corefile`: an update takes ownership of the fields it
 * changed, so this is whoever changed the Corefile last (kubectl-edit, kubectl-replace, ...).
 */
export function corefileManagerOf(cm: V1ConfigMap): CorefileConfigMap["corefileManager"] {
  const owners = (cm.metadata?.managedFields ?? []).filter((e) => {
    const data = (e.fieldsV1 as Record<string, Record<string, unknown>> | undefined)?.["f:data"];
    return data !== undefined && `f:${COREFILE_KEY}` in data;
  });
  const time = (t: unknown) => (t instanceof Date ? t.toISOString() : typeof t === "string" ? t : null);
  // Several owners only after server-side apply shares a field; the newest wrote last.
  const newest = owners.sort((a, b) => Date.parse(time(a.time) ?? "") - Date.parse(time(b.time) ?? ""))[
    owners.length - 1
  ];
  return newest?.manager
    ? { manager: newest.manager, operation: newest.operation ?? "Update", time: time(newest.time) }
    : null;
}

/**
 * The ConfigMap changed since the operator's edit was based on it. Carries both texts so the editor
 * can show what changed underneath and re-apply the operator's intents on top: nothing is lost.
 */
export class CorefileConflictError extends DashboardError {
  /** Who wrote the ConfigMap since `yours.resourceVersion` (from the history), newest first; set by the config service. */
  changedBy?: { user: string; at: string; source: "dashboard" | "outside" }[];

  constructor(
    readonly current: { resourceVersion: string; corefile: string },
    readonly yours: { corefile: string; resourceVersion: string },
  ) {
    super(
      409,
      `the Corefile was changed by someone else since you loaded it (your edit is based on version ${yours.resourceVersion}, ` +
        `the ConfigMap is now at ${current.resourceVersion}); review their change and apply yours again on top`,
    );
  }
}

function reshape(cm: V1ConfigMap, ref: ConfigMapRef): CorefileConfigMap {
  const corefile = cm.data?.[COREFILE_KEY];
  if (corefile === undefined) {
    throw new DashboardError(
      422,
      `ConfigMap ${ref.namespace}/${ref.name} has no "${COREFILE_KEY}" key; it is not a node-local-dns ConfigMap (check DASHBOARD_CONFIGMAP)`,
    );
  }
  return {
    namespace: cm.metadata?.namespace ?? ref.namespace,
    name: cm.metadata?.name ?? ref.name,
    uid: cm.metadata?.uid ?? "",
    resourceVersion: cm.metadata?.resourceVersion ?? "",
    corefile,
    labels: { ...cm.metadata?.labels },
    annotations: { ...cm.metadata?.annotations },
    corefileManager: corefileManagerOf(cm),
  };
}

/** The Corefile as one ConfigMap carries it (a watch event's object), or throws as reading it would. */
export function corefileConfigMapOf(cm: V1ConfigMap, ref: ConfigMapRef): CorefileConfigMap {
  return reshape(cm, ref);
}

async function readRaw(core: CoreV1Api, ref: ConfigMapRef): Promise<V1ConfigMap> {
  try {
    return await core.readNamespacedConfigMap({ name: ref.name, namespace: ref.namespace });
  } catch (err) {
    throw kubeRequestError(err, { verb: "get", resource: "configmaps", group: "", ...ref });
  }
}

/** Reads the Corefile and the resourceVersion an edit will be based on. */
export async function readCorefileConfigMap(core: CoreV1Api, ref: ConfigMapRef): Promise<CorefileConfigMap> {
  return reshape(await readRaw(core, ref), ref);
}

/** What to write: the new text and the version the operator's edit was based on. */
export interface CorefileWrite {
  corefile: string;
  basedOn: string;
  /** Server-side dry run (`dryRun=All`): admission and validation run, nothing is stored. */
  dryRun?: boolean;
  /** Annotations set in the same write (a string) or removed (null); others are kept. */
  annotations?: Record<string, string | null>;
}

/**
 * Replaces the Corefile key with optimistic concurrency: the PUT carries `basedOn` as
 * metadata.resourceVersion, so the API server refuses it (409) if anyone wrote in between. Other
 * keys, labels and annotations are kept as they are now. Throws CorefileConflictError with both texts.
 */
export async function replaceCorefile(
  core: CoreV1Api,
  ref: ConfigMapRef,
  write: CorefileWrite,
): Promise<CorefileConfigMap> {
  const current = await readRaw(core, ref);
  const conflict = (cm: V1ConfigMap) =>
    new CorefileConflictError(
      { resourceVersion: cm.metadata?.resourceVersion ?? "", corefile: cm.data?.[COREFILE_KEY] ?? "" },
      { corefile: write.corefile, resourceVersion: write.basedOn },
    );
  // Checked here too so a dry run reports the conflict the real write would meet.
  if (current.metadata?.resourceVersion !== write.basedOn) throw conflict(current);
  const annotations = { ...current.metadata?.annotations };
  for (const [k, v] of Object.entries(write.annotations ?? {})) {
    if (v === null) delete annotations[k];
    else annotations[k] = v;
  }
  const body: V1ConfigMap = {
    ...current,
    metadata: { ...current.metadata, resourceVersion: write.basedOn, annotations },
    data: { ...current.data, [COREFILE_KEY]: write.corefile },
  };
  try {
    const written = await core.replaceNamespacedConfigMap({
      name: ref.name,
      namespace: ref.namespace,
      fieldManager: DASHBOARD_FIELD_MANAGER,
      body,
      ...(write.dryRun ? { dryRun: "All" } : {}),
    });
    return reshape(written, ref);
  } catch (err) {
    if (kubeStatus(err) === 409) throw conflict(await readRaw(core, ref));
    throw kubeRequestError(err, { verb: "update", resource: "configmaps", group: "", ...ref });
  }
}
