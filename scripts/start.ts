/**
 * `npm start`: the production dashboard against a real cluster, found the way kubectl finds it.
 *
 *   npm start -- [--context NAME] [--kubeconfig PATH] [--port 3000] [--hostname 127.0.0.1]
 *
 * Serves the production build, running `next build` first when there is none (`npm run build` rebuilds).
 *
 * Listens on 127.0.0.1 by default: the local mode has no login of its own and acts with your kubeconfig's
 * credentials, so it must not be reachable from the network.
 */
import { parseArgs } from "node:util";
import { buildIfMissing, startNextServer } from "./next-server";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      context: { type: "string" },
      kubeconfig: { type: "string" },
      port: { type: "string", default: process.env.PORT ?? "3000" },
      hostname: { type: "string", default: "127.0.0.1" },
    },
  });
  const env: Record<string, string> = {};
  if (values.context) env.DASHBOARD_CONTEXT = values.context;
  if (values.kubeconfig) env.KUBECONFIG = values.kubeconfig;
  await buildIfMissing();
  const server = await startNextServer({
    mode: "prod",
    port: Number(values.port),
    hostname: values.hostname,
    env,
    inheritOutput: true,
  });
  console.log(
    `NodeLocal DNS Dashboard: ${server.url}${values.context ? ` (context ${values.context})` : ""}`,
  );
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.process.once("exit", (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  console.error(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
