import { Suspense } from "react";
import { ConfigView } from "@/components/config/config-view";

export const metadata = { title: "Config · NodeLocal DNS" };

export default function ConfigPage() {
  return (
    <>
      <h1>Corefile</h1>
      <p className="lede">
        The <code>node-local-dns</code> ConfigMap, one card per server block. Change logging and cache sizes,
        preview the diff, apply, and watch the rollout restart replace pods node by node.
      </p>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <ConfigView />
      </Suspense>
    </>
  );
}
