import "server-only";
import type { CoreV1Api, V1ConfigMap } from "@kubernetes/client-node";
import { describeError } from "@/lib/errors";
import { DASHBOARD_FIELD_MANAGER } from "@/lib/k8s/configmap";
import { kubeRequestError, kubeStatus } from "@/lib/k8s/kube-request";
import type { ChangeRecord } from "./history";
import { decodeHistoryData, HISTORY_CONFIGMAP, withHistoryRecord, type HistoryBounds } from "./history-log";

/** What the history ConfigMap holds now, or why it could not be read. */
export interface StoredHistory {
  records: ChangeRecord[];
  unreadable: string[];
  /** Why the ConfigMap could not be read (missing, forbidden), or null. */
  problem: string | null;
}

/** How many read-modify-write rounds an append tries before giving up (each 409 means someone else wrote). */
const MAX_ATTEMPTS = 10;

/**
 * The history ConfigMap (history-log.ts), read and appended to as the dashboard's own identity (it is
 * the dashboard's record, not the person's: they need no permission on it). Every append is a
 * read-modify-write carrying the resourceVersion read, retried on 409, so concurrent appends from
 * two replicas both land.
 */
export class HistoryStore {
  readonly ref: { namespace: string; name: string };

  constructor(
    private readonly core: CoreV1Api,
    namespace: string,
    private readonly bounds?: HistoryBounds,
    name = HISTORY_CONFIGMAP,
  ) {
    this.ref = { namespace, name };
  }

  async read(): Promise<StoredHistory> {
    try {
      const cm = await this.core.readNamespacedConfigMap(this.ref);
      return { ...decodeHistoryData(cm.data), problem: null };
    } catch (err) {
      const status = kubeStatus(err);
      const problem =
        status === 404
          ? `ConfigMap ${this.ref.namespace}/${this.ref.name} does not exist yet (deploy/base creates it; the dashboard creates it on the first change where it may)`
          : describeError(
              kubeRequestError(err, { verb: "get", resource: "configmaps", group: "", ...this.ref }),
            );
      return { records: [], unreadable: [], problem };
    }
  }

  /**
   * Adds `record` unless `alreadyThere(records)` says the history has it (another replica recorded
   * the same outside change first). Returns whether it was added.
   */
  async append(record: ChangeRecord, alreadyThere?: (records: ChangeRecord[]) => boolean): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const cm = await this.readRaw();
      if (alreadyThere?.(decodeHistoryData(cm?.data).records)) return false;
      const { data } = withHistoryRecord(cm?.data, record, this.bounds);
      try {
        if (!cm) {
          await this.core.createNamespacedConfigMap({
            namespace: this.ref.namespace,
            fieldManager: DASHBOARD_FIELD_MANAGER,
            body: { apiVersion: "v1", kind: "ConfigMap", metadata: { ...this.ref }, data },
          });
        } else {
          await this.core.replaceNamespacedConfigMap({
            ...this.ref,
            fieldManager: DASHBOARD_FIELD_MANAGER,
            body: { ...cm, data },
          });
        }
        return true;
      } catch (err) {
        const status = kubeStatus(err);
        // 409: someone appended (or created it) in between; read again and add on top of theirs.
        if (status === 409) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
          continue;
        }
        throw kubeRequestError(err, {
          verb: cm ? "update" : "create",
          resource: "configmaps",
          group: "",
          ...this.ref,
        });
      }
    }
    throw new Error(
      `the history ConfigMap ${this.ref.namespace}/${this.ref.name} kept changing: ${MAX_ATTEMPTS} attempts to add change ${record.id} met a newer version`,
    );
  }

  private async readRaw(): Promise<V1ConfigMap | null> {
    try {
      return await this.core.readNamespacedConfigMap(this.ref);
    } catch (err) {
      if (kubeStatus(err) === 404) return null;
      throw kubeRequestError(err, { verb: "get", resource: "configmaps", group: "", ...this.ref });
    }
  }
}
