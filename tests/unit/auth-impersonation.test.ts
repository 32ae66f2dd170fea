/**
 * The impersonation headers on the wire, for each way client-node sends a request: a generated API
 * client, a Watch-style https request (applyToHTTPSOptions) and fetch options. One Impersonate-Group
 * line per group, because a real API server does not split a comma-joined value.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImpersonatingKubeConfig } from "@/lib/auth/impersonation";

let server: http.Server;
const seen: http.IncomingHttpHeaders[] = [];
const distinct: Record<string, string[]>[] = [];
let kc: ImpersonatingKubeConfig;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    distinct.push(req.headersDistinct as Record<string, string[]>);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ apiVersion: "v1", kind: "NodeList", metadata: {}, items: [] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = new KubeConfig();
  base.loadFromOptions({
    clusters: [
      {
        name: "c",
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: "sa", token: "sa-token" }],
    contexts: [{ name: "x", cluster: "c", user: "sa" }],
    currentContext: "x",
  });
  kc = new ImpersonatingKubeConfig(base, { user: "alice@example.com", groups: ["sre", "dns,admins"] });
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("ImpersonatingKubeConfig", () => {
  it("generated API clients send Impersonate-User and one Impersonate-Group line per group", async () => {
    await kc.makeApiClient(CoreV1Api).listNode();
    const d = distinct.at(-1)!;
    expect(d["impersonate-user"]).toEqual(["alice@example.com"]);
    expect(d["impersonate-group"]).toEqual(["sre", "dns,admins"]);
    expect(seen.at(-1)!.authorization).toBe("Bearer sa-token");
  });

  it("https options (Watch, Log, PortForward) and fetch options carry the same headers", async () => {
    const opts: { headers?: Record<string, unknown> } = {};
    await kc.applyToHTTPSOptions(opts as never);
    expect(opts.headers?.["Impersonate-User"]).toBe("alice@example.com");
    expect(opts.headers?.["Impersonate-Group"]).toEqual(["sre", "dns,admins"]);
    expect(opts.headers?.Authorization).toBe("Bearer sa-token");

    const fetchOpts = await kc.applyToFetchOptions({});
    // node-fetch's Headers keeps each appended value; it sends one line per value.
    const raw = (fetchOpts.headers as unknown as { raw(): Record<string, string[]> }).raw();
    const group = Object.entries(raw).find(([k]) => k.toLowerCase() === "impersonate-group")?.[1];
    expect(group).toEqual(["sre", "dns,admins"]);
  });

  it("sends no Impersonate-Group for a person without groups", async () => {
    const base = new KubeConfig();
    base.loadFromOptions({
      clusters: kc.clusters,
      users: kc.users,
      contexts: kc.contexts,
      currentContext: "x",
    });
    const solo = new ImpersonatingKubeConfig(base, { user: "bob", groups: [] });
    await solo.makeApiClient(CoreV1Api).listNode();
    expect(distinct.at(-1)!["impersonate-group"]).toBeUndefined();
    expect(distinct.at(-1)!["impersonate-user"]).toEqual(["bob"]);
  });
});
