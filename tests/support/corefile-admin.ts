import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { parseCorefile, printCorefile, setLog } from "@/lib/corefile";

function adminCore(kubeconfigPath: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc.makeApiClient(CoreV1Api);
}

/**
 * Turn the `log` directive on or off in every server block of the cluster's node-local-dns ConfigMap,
 * as an admin (kubectl edit); writes only when that changes the Corefile. Returns whether it wrote.
 */
export async function setQueryLogging(kubeconfigPath: string, on: boolean): Promise<boolean> {
  const core = adminCore(kubeconfigPath);
  const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
  const before = cm.data?.Corefile ?? "";
  let doc = parseCorefile(before, { checkDirectives: false });
  for (let i = 0; i < doc.blocks.length; i++) doc = setLog(doc, i, on);
  const after = printCorefile(doc);
  if (after === before) return false;
  await core.replaceNamespacedConfigMap({
    name: "node-local-dns",
    namespace: "kube-system",
    body: { ...cm, data: { ...cm.data, Corefile: after } },
  });
  return true;
}

/** Turn the `log` directive on in every server block, as an admin. */
export async function enableQueryLogging(kubeconfigPath: string): Promise<void> {
  await setQueryLogging(kubeconfigPath, true);
}

/** The Corefile with its first `cache N` made `cache -5`, which CoreDNS refuses (it crash-loops on it). */
export function withNegativeCacheTtl(corefile: string): string {
  const bad = corefile.replace(/^(\s*)cache \d+/m, "$1cache -5");
  if (bad === corefile) throw new Error("no `cache N` line in the Corefile to break");
  return bad;
}
