/**
 * The Kubernetes API server is unreachable: the inventory says what is wrong and since when, keeps the
 * last known state, and recovers on its own when the server is back.
 */
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { KubeConfig } from "@kubernetes/client-node";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { freePort, waitFor } from "../support/ports";

const opts = {
  namespace: "kube-system",
  podSelector: "k8s-app=node-local-dns",
  daemonSet: "node-local-dns",
  container: "node-cache",
  metricsPort: 9253,
};
let cluster: SimCluster | undefined;
let inventory: ClusterInventory | undefined;

afterAll(async () => {
  await inventory?.stop();
  await cluster?.stop();
});

describe("API server down", () => {
  it("reports the problem with its start time, then recovers when the server comes up", async () => {
    const port = await freePort();
    // Where the simulated API server will listen once started; nothing listens there yet.
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `https://127.183.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "u", token: "pending" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    inventory = new ClusterInventory(kc, opts);
    const startedAt = Date.now();
    await inventory.start();
    const down = inventory.snapshot();
    expect(down.synced).toBe(false);
    expect(down.apiProblem?.message).toMatch(/ECONNREFUSED|refused/i);
    // "since" is when the first failure happened: during start(), not before, not later.
    const since = down.apiProblem!.since;
    expect(Date.parse(since)).toBeGreaterThanOrEqual(startedAt - (startedAt % 1000));
    expect(Date.parse(since)).toBeLessThanOrEqual(Date.now());

    // Still failing later, differently: something now accepts connections on the port and drops them.
    // The retries reach it (counted), the problem's message follows the new error, and "since" stays.
    let dropped = 0;
    const dropper = net.createServer((socket) => {
      dropped += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      dropper.once("error", reject);
      dropper.listen(port, "127.183.0.1", resolve);
    });
    try {
      const later = await waitFor(
        "a retry that fails differently",
        () => {
          const p = inventory!.snapshot().apiProblem;
          return dropped > 0 && p && !/ECONNREFUSED|refused/i.test(p.message) ? p : undefined;
        },
        60_000,
        100,
      );
      expect(later.since).toBe(since);
      expect(inventory.snapshot().synced).toBe(false);
    } finally {
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
    }

    cluster = await startSimCluster({
      nodes: 1,
      addressBase: 180,
      apiPort: port,
      dnsPort: 0,
      qps: 0,
      outDir: ".sim/test-api-down",
    });
    // The sim mints its own tokens: point our kubeconfig's user at the admin token and let the retry succeed.
    (kc.users[0] as { token: string }).token = cluster.tokens.admin;
    await waitFor(
      "recovery",
      () => {
        const s = inventory!.snapshot();
        return s.synced && s.apiProblem === null && s.nodes.length === 1 ? true : undefined;
      },
      60_000,
      250,
    );
  });
});
