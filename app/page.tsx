import { Suspense } from "react";
import { Overview } from "@/components/overview/overview";

export default function NodesPage() {
  return (
    <>
      <h1>Nodes</h1>
      <p className="lede">
        Every node&apos;s NodeLocal DNSCache: is its pod ready, and is its cache doing its job.
      </p>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <Overview />
      </Suspense>
    </>
  );
}
