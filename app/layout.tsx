import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SessionIndicator } from "@/components/auth/session-indicator";
import { MainNav } from "@/components/layout/main-nav";
import { Providers } from "@/components/providers";
import "./globals.css";

// Rendered per request so Next.js can put proxy.ts's per-request CSP nonce on its inline scripts
// (a page prerendered at build time has no request, hence no nonce, and would be blocked by the CSP).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "NodeLocal DNS Dashboard",
  description: "Every node's DNS cache in your Kubernetes cluster",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Link href="/" className="brand">
            NodeLocal DNS
          </Link>
          <MainNav />
          <SessionIndicator />
        </header>
        <main id="main" tabIndex={-1}>
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
