"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Ends the token-mode session (DELETE /api/session) and goes to the login page. */
export function LogoutButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await fetch("/api/session", { method: "DELETE" });
        } finally {
          router.push("/login");
          router.refresh();
        }
      }}
    >
      Log out
    </button>
  );
}
