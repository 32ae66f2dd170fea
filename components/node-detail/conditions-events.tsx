"use client";

import type { NodeCondition, PodEventsJson } from "@/lib/api-types";
import { formatAgo } from "@/lib/format";
import { usePodEvents } from "./use-node-detail";

/** The node's conditions, as `kubectl describe node` lists them; the ones that are not nominal marked. */
export function NodeConditionsTable({ conditions, now }: { conditions: NodeCondition[]; now: number }) {
  if (conditions.length === 0) return <p className="muted">The node reports no conditions.</p>;
  return (
    <div className="table-wrap">
      <table className="data-table compact" aria-label="Node conditions">
        <thead>
          <tr>
            <th scope="col">Condition</th>
            <th scope="col">Status</th>
            <th scope="col">Since</th>
            <th scope="col">Reason</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {conditions.map((c) => (
            <tr key={c.type} data-condition={c.type} data-nominal={String(c.nominal)}>
              <th scope="row">{c.type}</th>
              <td>
                <span className={`badge ${c.nominal ? "badge-ok" : "badge-bad"}`}>{c.status}</span>
              </td>
              <td className="nowrap" title={c.since ?? undefined}>
                {c.since ? formatAgo(c.since, now) : "—"}
              </td>
              <td>{c.reason ?? "—"}</td>
              <td>{c.message ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The node's cache pod's Events, read apart from the page's numbers: they come from the API server. */
export function PodEvents({ node, now }: { node: string; now: number }) {
  const { data, error } = usePodEvents(node);
  if (data) return <PodEventsTable events={data} now={now} />;
  if (error) {
    return (
      <p className="banner banner-bad" role="status" data-events-problem="unreachable">
        Could not read the pod&apos;s Events: {error.message}
      </p>
    );
  }
  return (
    <p className="muted" role="status" data-events-loading="">
      Reading the cache pod&apos;s Events from the API server…
    </p>
  );
}

/** The cache pod's recent Events, newest first; a refusal is said in place of the table, not as an error page. */
function PodEventsTable({ events, now }: { events: PodEventsJson; now: number }) {
  if (events.problem) {
    return (
      <p
        className={`banner ${events.problem.status === 403 ? "banner-warn" : "banner-bad"}`}
        role="status"
        data-events-problem={events.problem.status}
      >
        {events.problem.message}
      </p>
    );
  }
  if (!events.pod) return <p className="muted">No cache pod on this node, so no pod Events.</p>;
  if (events.events.length === 0) {
    return (
      <p className="muted">
        No Events for <code>{events.pod}</code> (the API server keeps them for an hour by default).
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="data-table compact" aria-label="Pod events">
        <thead>
          <tr>
            <th scope="col">Last seen</th>
            <th scope="col">Type</th>
            <th scope="col">Reason</th>
            <th scope="col" className="num">
              Count
            </th>
            <th scope="col">First seen</th>
            <th scope="col">From</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {events.events.map((e, i) => (
            <tr key={`${e.reason}-${e.firstSeen ?? ""}-${i}`} data-reason={e.reason} data-type={e.type}>
              <td className="nowrap" title={e.lastSeen ?? undefined}>
                {formatAgo(e.lastSeen, now)}
              </td>
              <td>
                <span className={`badge ${e.type === "Warning" ? "badge-warn" : "badge-muted"}`}>
                  {e.type}
                </span>
              </td>
              <th scope="row">{e.reason}</th>
              <td className="num">{e.count}</td>
              <td className="nowrap" title={e.firstSeen ?? undefined}>
                {formatAgo(e.firstSeen, now)}
              </td>
              <td className="nowrap">{e.source ?? "—"}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
