/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: the container's output as the kubelet streams it
 * through the API server (text/plain, chunked), with follow, tail, since, timestamps, previous and
 * limitBytes. A follow ends when the container stops or the pod goes away.
 */
import type { ServerResponse } from "node:http";
import { badRequest } from "./errors";
import type { KubeObject } from "./types";
import type { PodWorker } from "./kubelet-pod";
import { podContainers } from "./kubelet-spec";
import type { ContainerLog, LogEntry } from "../runtime";
import { formatLine, ordinalCounter, selectEntries, sinceOf, type PodLogQuery } from "./pod-log-query";

/** The container the query names (or the pod's only one); 400 with the API server's message otherwise. */
function logContainer(pod: KubeObject, query: PodLogQuery): string {
  const names = podContainers(pod).map((c) => c.name);
  const podName = pod.metadata.name;
  const container = query.container;
  if (container === undefined) {
    if (names.length !== 1)
      throw badRequest(
        `a container name must be specified for pod ${podName}, choose one of: [${names.join(" ")}]`,
      );
    return names[0]!;
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
  return container;
}

/** Which log the query asks for; throws StoreError 400 with the API server's message when there is none. */
export function resolveLog(
  pod: KubeObject,
  worker: PodWorker | undefined,
  query: PodLogQuery,
): { log: ContainerLog; follow: boolean } {
  const podName = pod.metadata.name;
  const container = logContainer(pod, query);
  const logs = worker?.logs();
  if (query.previous) {
    if (!logs?.previous)
      throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return { log: logs.previous, follow: false };
  }
  if (!logs?.current)
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  return { log: logs.current, follow: query.follow && logs.running };
}

/** Streams the selected log to `res`. Call after authorization; errors before the first byte are thrown. */
export function streamPodLog(
  pod: KubeObject,
  worker: PodWorker | undefined,
  query: PodLogQuery,
  res: ServerResponse,
): void {
  if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) {
    // LogLocation: a pod not bound to a node yet has no kubelet to ask; the API server answers an
    // empty 200 once the container name checks out.
    logContainer(pod, query);
    res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" });
    res.end();
    return;
  }
  const { log, follow } = resolveLog(pod, worker, query);
  res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  let budget = query.limitBytes ?? Infinity;
  let done = false;
  let cleanup: () => void = () => {};
  const finish = () => {
    if (done) return;
    done = true;
    cleanup();
    res.end();
  };
  const ordinal = ordinalCounter();
  const write = (entry: LogEntry, n: number): void => {
    if (done) return;
    let chunk = Buffer.from(formatLine(entry, query.timestamps, n), "utf8");
    if (chunk.length >= budget) {
      chunk = chunk.subarray(0, budget);
      res.write(chunk);
      finish();
      return;
    }
    budget -= chunk.length;
    res.write(chunk);
  };
  // Every entry goes through the counter, selected or not, so timestamps agree between reads.
  const all = log.entries();
  const selected = new Set(selectEntries(all, query, new Date()));
  for (const entry of all) {
    const n = ordinal(entry);
    if (selected.has(entry)) write(entry, n);
  }
  if (!follow || done) {
    finish();
    return;
  }
  const since = sinceOf(query, new Date());
  const unsubscribe = log.subscribe((entry) => {
    const n = ordinal(entry);
    if (!since || entry.time.getTime() >= since.getTime()) write(entry, n);
  });
  const unEnd = worker?.onContainerEnd(finish) ?? (() => {});
  res.on("close", finish);
  cleanup = () => {
    unsubscribe();
    unEnd();
  };
}
