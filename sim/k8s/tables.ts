/**
 * Server-side printing (meta.k8s.io/v1 Table) with the columns and cell formats of the API server's
 * printers (pkg/printers/internalversion), so `kubectl get nodes`, `kubectl get pods -o wide` and
 * `kubectl get ds,cm` print exactly as against a cluster.
 */
import { age } from "./duration";
import { podReadyAndStatus, type PrintRow } from "./tables-pods";

import type { KubeObject, ResourceType } from "./types";
import { isObj } from "./json";

/** One column of a Table; priority 1 columns appear only with `-o wide`. */
export interface ColumnDefinition {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format: string;
  description: string;
  priority: number;
}

const str = (v: unknown): string =>
  typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const NONE = "<none>";

function col(
  name: string,
  type: ColumnDefinition["type"] = "string",
  priority = 0,
  format = "",
): ColumnDefinition {
  return { name, type, format, description: DESCRIPTIONS[name] ?? "", priority };
}

const DESCRIPTIONS: Record<string, string> = {
  Name: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  Age: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
};

function formatSelector(sel: unknown): string {
  if (!isObj(sel)) return NONE;
  const parts = Object.entries(isObj(sel.matchLabels) ? sel.matchLabels : {}).map(
    ([k, v]) => `${k}=${str(v)}`,
  );
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions.filter(isObj) : []) {
    const values = Array.isArray(e.values) ? e.values.map(str).join(",") : "";
    if (e.operator === "In") parts.push(`${str(e.key)} in (${values})`);
    else if (e.operator === "NotIn") parts.push(`${str(e.key)} notin (${values})`);
    else if (e.operator === "Exists") parts.push(str(e.key));
    else parts.push(`!${str(e.key)}`);
  }
  return parts.length ? parts.join(",") : NONE;
}

function mapSelector(m: unknown): string {
  if (!isObj(m) || Object.keys(m).length === 0) return NONE;
  return Object.entries(m)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${str(v)}`)
    .join(",");
}

function printNode(o: KubeObject, now: Date): unknown[] {
  const status = isObj(o.status) ? o.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObj) : [];
  const ready = conditions.find((c) => c.type === "Ready");
  let state = ready
    ? ready.status === "True"
      ? "Ready"
      : ready.status === "False"
        ? "NotReady"
        : "Unknown"
    : "Unknown";
  if (isObj(o.spec) && o.spec.unschedulable === true) state += ",SchedulingDisabled";
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length))
    .sort();
  const addresses = Array.isArray(status.addresses) ? status.addresses.filter(isObj) : [];
  const addr = (t: string) => str(addresses.find((a) => a.type === t)?.address) || NONE;
  const info = isObj(status.nodeInfo) ? status.nodeInfo : {};
  return [
    o.metadata.name,
    state,
    roles.length ? roles.join(",") : NONE,
    age(o.metadata.creationTimestamp, now),
    str(info.kubeletVersion),
    addr("InternalIP"),
    addr("ExternalIP"),
    str(info.osImage) || "<unknown>",
    str(info.kernelVersion) || "<unknown>",
    str(info.containerRuntimeVersion) || "<unknown>",
  ];
}

function printDaemonSet(o: KubeObject, now: Date): unknown[] {
  const s = isObj(o.status) ? o.status : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const tmpl = isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : {};
  const containers = Array.isArray(tmpl.containers) ? tmpl.containers.filter(isObj) : [];
  return [
    o.metadata.name,
    num(s.desiredNumberScheduled),
    num(s.currentNumberScheduled),
    num(s.numberReady),
    num(s.updatedNumberScheduled),
    num(s.numberAvailable),
    mapSelector(tmpl.nodeSelector),
    age(o.metadata.creationTimestamp, now),
    containers.map((c) => str(c.name)).join(","),
    containers.map((c) => str(c.image)).join(","),
    formatSelector(spec.selector),
  ];
}

function printService(o: KubeObject, now: Date): unknown[] {
  const spec = isObj(o.spec) ? o.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isObj) : [];
  const type = str(spec.type) || "ClusterIP";
  const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs.map(str) : [];
  return [
    o.metadata.name,
    type,
    str(spec.clusterIP) || NONE,
    externalIPs.length ? externalIPs.join(",") : type === "LoadBalancer" ? "<pending>" : NONE,
    ports.length
      ? ports
          .map((p) => `${num(p.port)}${p.nodePort ? `:${num(p.nodePort)}` : ""}/${str(p.protocol) || "TCP"}`)
          .join(",")
      : NONE,
    age(o.metadata.creationTimestamp, now),
    mapSelector(spec.selector),
  ];
}

function printEvent(o: KubeObject, now: Date): unknown[] {
  const io = isObj(o.involvedObject) ? o.involvedObject : {};
  const src = isObj(o.source) ? o.source : {};
  const first = str(o.firstTimestamp) || str(o.eventTime) || o.metadata.creationTimestamp;
  const last = str(o.lastTimestamp) || str(o.eventTime) || first;
  const source = [str(src.component), str(src.host)].filter(Boolean).join(", ");
  return [
    age(last, now),
    str(o.type),
    str(o.reason),
    `${str(io.kind).toLowerCase()}/${str(io.name)}`,
    str(io.fieldPath),
    source || str(o.reportingComponent),
    str(o.message),
    age(first, now),
    num(o.count) || 1,
    o.metadata.name,
  ];
}

function printBinding(o: KubeObject, now: Date): unknown[] {
  const ref = isObj(o.roleRef) ? o.roleRef : {};
  const subjects = Array.isArray(o.subjects) ? o.subjects.filter(isObj) : [];
  const of = (kind: string) =>
    subjects
      .filter((s) => s.kind === kind)
      .map((s) => (kind === "ServiceAccount" ? `${str(s.namespace)}/${str(s.name)}` : str(s.name)));
  return [
    o.metadata.name,
    `${str(ref.kind)}/${str(ref.name)}`,
    age(o.metadata.creationTimestamp, now),
    of("User").join(", "),
    of("Group").join(", "),
    of("ServiceAccount").join(", "),
  ];
}

const BINDING_COLUMNS = [
  col("Name", "string", 0, "name"),
  col("Role"),
  col("Age"),
  col("Users", "string", 1),
  col("Groups", "string", 1),
  col("ServiceAccounts", "string", 1),
];

/** Column definitions and row printer per kind; others get the default Name / Created At. */
const PRINTERS: Record<string, { columns: ColumnDefinition[]; row: PrintRow }> = {
  Node: {
    columns: [
      col("Name", "string", 0, "name"),
      col("Status"),
      col("Roles"),
      col("Age"),
      col("Version"),
      col("Internal-IP", "string", 1),
      col("External-IP", "string", 1),
      col("OS-Image", "string", 1),
      col("Kernel-Version", "string", 1),
      col("Container-Runtime", "string", 1),
    ],
    row: printNode,
  },
  Pod: {
    columns: [
      col("Name", "string", 0, "name"),
      col("Ready"),
      col("Status"),
      col("Restarts", "string"),
      col("Age"),
      col("IP", "string", 1),
      col("Node", "string", 1),
      col("Nominated Node", "string", 1),
      col("Readiness Gates", "string", 1),
    ],
    row: podReadyAndStatus,
  },
  DaemonSet: {
    columns: [
      col("Name", "string", 0, "name"),
      col("Desired", "integer"),
      col("Current", "integer"),
      col("Ready", "integer"),
      col("Up-to-date", "integer"),
      col("Available", "integer"),
      col("Node Selector"),
      col("Age"),
      col("Containers", "string", 1),
      col("Images", "string", 1),
      col("Selector", "string", 1),
    ],
    row: printDaemonSet,
  },
  ConfigMap: {
    columns: [col("Name", "string", 0, "name"), col("Data", "integer"), col("Age")],
    row: (o, now) => [
      o.metadata.name,
      Object.keys(isObj(o.data) ? o.data : {}).length +
        Object.keys(isObj(o.binaryData) ? o.binaryData : {}).length,
      age(o.metadata.creationTimestamp, now),
    ],
  },
  Service: {
    columns: [
      col("Name", "string", 0, "name"),
      col("Type"),
      col("Cluster-IP"),
      col("External-IP"),
      col("Port(s)"),
      col("Age"),
      col("Selector", "string", 1),
    ],
    row: printService,
  },
  Event: {
    columns: [
      col("Last Seen"),
      col("Type"),
      col("Reason"),
      col("Object"),
      col("Subobject", "string", 1),
      col("Source", "string", 1),
      col("Message"),
      col("First Seen", "string", 1),
      col("Count", "string", 1),
      col("Name", "string", 1),
    ],
    row: printEvent,
  },
  Namespace: {
    columns: [col("Name", "string", 0, "name"), col("Status"), col("Age")],
    row: (o, now) => [
      o.metadata.name,
      str(isObj(o.status) ? o.status.phase : ""),
      age(o.metadata.creationTimestamp, now),
    ],
  },
  ServiceAccount: {
    columns: [col("Name", "string", 0, "name"), col("Secrets", "integer"), col("Age")],
    row: (o, now) => [
      o.metadata.name,
      Array.isArray(o.secrets) ? o.secrets.length : 0,
      age(o.metadata.creationTimestamp, now),
    ],
  },
  RoleBinding: { columns: BINDING_COLUMNS, row: printBinding },
  ClusterRoleBinding: { columns: BINDING_COLUMNS, row: printBinding },
  ControllerRevision: {
    columns: [col("Name", "string", 0, "name"), col("Controller"), col("Revision", "integer"), col("Age")],
    row: (o, now) => {
      const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
      const controller = owner
        ? `${owner.kind.toLowerCase()}.${owner.apiVersion.split("/")[0] === "v1" ? "" : owner.apiVersion.split("/")[0]}/${owner.name}`
        : NONE;
      return [o.metadata.name, controller, num(o.revision), age(o.metadata.creationTimestamp, now)];
    },
  },
};

const DEFAULT_PRINTER = {
  columns: [col("Name", "string", 0, "name"), col("Created At", "date")],
  row: (o: KubeObject) => [o.metadata.name, o.metadata.creationTimestamp ?? ""],
};

/** How rows carry their object: `Metadata` (the default, PartialObjectMetadata), `Object`, or `None`. */
export type IncludeObject = "None" | "Metadata" | "Object";

export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

/** A meta.k8s.io Table of `items`; `withColumns` false for watch events after the first. */
export function toTable(
  rt: ResourceType,
  items: KubeObject[],
  opts: {
    resourceVersion?: string;
    continueToken?: string;
    include: IncludeObject;
    apiVersion: "v1" | "v1beta1";
    withColumns?: boolean;
    now?: Date;
  },
): unknown {
  const printer = PRINTERS[rt.kind] ?? DEFAULT_PRINTER;
  const now = opts.now ?? new Date();
  const metadata: Record<string, string> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  const rows = items.map((o) => {
    const row: Record<string, unknown> = { cells: printer.row(o, now) };
    if (opts.include === "Object") row.object = o;
    else if (opts.include === "Metadata")
      row.object = {
        kind: "PartialObjectMetadata",
        apiVersion: `meta.k8s.io/${opts.apiVersion}`,
        metadata: o.metadata,
      };
    return row;
  });
  const table: Record<string, unknown> = {
    kind: "Table",
    apiVersion: `meta.k8s.io/${opts.apiVersion}`,
    metadata,
  };
  table.columnDefinitions = opts.withColumns === false ? null : printer.columns;
  table.rows = rows;
  return table;
}
