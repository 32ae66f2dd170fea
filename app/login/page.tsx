import { LoginForm } from "@/components/auth/login-form";
import { settings } from "@/lib/settings";

export const metadata = { title: "Log in · NodeLocal DNS Dashboard" };

/** Only a same-site path is a place to go after logging in (no open redirect to another site). */
function safeNext(next: string | string[] | undefined): string {
  const v = Array.isArray(next) ? next[0] : next;
  return v && v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : "/";
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const mode = settings().DASHBOARD_AUTH;
  if (mode !== "token") {
    return (
      <section>
        <h1>Log in</h1>
        <p>
          This dashboard runs with <code>DASHBOARD_AUTH={mode}</code>:{" "}
          {mode === "local"
            ? "it acts as your kubeconfig's user and needs no login."
            : "you log in through the authenticating proxy in front of it."}
        </p>
      </section>
    );
  }
  const { next } = await searchParams;
  return (
    <section>
      <h1>Log in</h1>
      <LoginForm next={safeNext(next)} />
    </section>
  );
}
