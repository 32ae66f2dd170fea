import "server-only";
import { cookies } from "next/headers";
import Link from "next/link";
import { SESSION_COOKIE, sessionStore } from "@/lib/auth";
import { settings } from "@/lib/settings";
import { LogoutButton } from "./logout-button";

/** In token mode only: "Log in", or who is logged in with a "Log out" button. */
export async function SessionIndicator() {
  if (settings().DASHBOARD_AUTH !== "token") return null;
  const id = (await cookies()).get(SESSION_COOKIE)?.value;
  const session = id ? sessionStore().get(id) : undefined;
  if (!session) {
    return (
      <Link href="/login" className="session-link">
        Log in
      </Link>
    );
  }
  return (
    <span className="session-user">
      <span title="logged in with a Kubernetes token">{session.user}</span> <LogoutButton />
    </span>
  );
}
