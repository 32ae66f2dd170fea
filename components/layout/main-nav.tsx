"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const PAGES = [
  { href: "/", label: "Nodes", current: (p: string) => p === "/" || p.startsWith("/nodes") },
  { href: "/logs", label: "Logs", current: (p: string) => p.startsWith("/logs") },
  { href: "/config", label: "Config", current: (p: string) => p.startsWith("/config") },
];

/** The main navigation, marking the page the reader is on (aria-current) for screen readers and eyes. */
export function MainNav() {
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label="Main">
      {PAGES.map((p) => (
        <Link key={p.href} href={p.href} aria-current={p.current(pathname) ? "page" : undefined}>
          {p.label}
        </Link>
      ))}
    </nav>
  );
}
