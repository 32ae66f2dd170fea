"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ApiError, fetchJson } from "@/lib/client/fetch-json";

/** The token login form: the token goes to POST /api/session once and is never kept in the page. */
export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const field = form.elements.namedItem("token") as HTMLTextAreaElement;
    setBusy(true);
    setError(null);
    try {
      await fetchJson("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: field.value }),
      });
      field.value = "";
      router.push(next);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "login failed: try again");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login-form" onSubmit={submit} aria-label="Log in with a Kubernetes token">
      <label htmlFor="token">Your Kubernetes bearer token</label>
      <textarea id="token" name="token" rows={4} autoComplete="off" spellCheck={false} required />
      <p className="muted">
        For example <code>kubectl create token &lt;serviceaccount&gt; -n &lt;namespace&gt;</code>. The
        dashboard checks it with the API server and keeps it in its memory only; your browser gets an opaque
        session cookie. What you may see and change is what Kubernetes RBAC allows this token.
      </p>
      {error ? (
        <p role="alert" className="scrape-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Checking…" : "Log in"}
      </button>
    </form>
  );
}
