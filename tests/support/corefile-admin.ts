import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { parseCorefile, printCorefile, setLog } from "@/lib/corefile";

/** Turn the `log` directive on in every server block of the cluster's node-local-dns ConfigMap, as an admin. */
export async function enableQueryLogging(kubeconfigPath: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
  let doc = parseCorefile(cm.data?.Corefile ?? "", { checkDirectives: false });
  for (let i = 0; i < doc.blocks.length; i++) doc = setLog(doc, i, true);
  await core.replaceNamespacedConfigMap({
    name: "node-local-dns",
    namespace: "kube-system",
    body: { ...cm, data: { ...cm.data, Corefile: printCorefile(doc) } },
  });
}
