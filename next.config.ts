import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  output: "standalone",
  // @kubernetes/client-node and ws use Node APIs and optional native deps: keep them out of the bundle.
  serverExternalPackages: ["@kubernetes/client-node", "ws"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
