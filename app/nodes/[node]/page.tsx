import { Suspense } from "react";
import { NodeDetail } from "@/components/node-detail/node-detail";

export default async function NodePage({ params }: { params: Promise<{ node: string }> }) {
  const { node } = await params;
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <NodeDetail node={decodeURIComponent(node)} />
    </Suspense>
  );
}
