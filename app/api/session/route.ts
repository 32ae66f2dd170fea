import { z } from "zod";
import { authConfig, baseKubeConfig, requestIdentity, SESSION_COOKIE, sessionStore } from "@/lib/auth";
import { cookieValue } from "@/lib/auth/identity";
import { tokenOwner } from "@/lib/auth/login";
import {
  clearedSessionCookie,
  normaliseToken,
  requestIsHttps,
  SESSION_TTL_MS,
  sessionCookie,
} from "@/lib/auth/session";
import { clientKey, Throttle } from "@/lib/auth/throttle";
import { DashboardError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { log } from "@/lib/observability";
import { settings } from "@/lib/settings";

export const dynamic = "force-dynamic";

const body = z.object({ token: z.string().max(16_384, "that is too long to be a Kubernetes token") });

const throttleHolder = ((
  globalThis as { __nodelocalDnsLoginThrottles?: { t?: { perClient: Throttle; perUser: Throttle } } }
).__nodelocalDnsLoginThrottles ??= {});

/** Login attempts per client per minute, and logins per person per hour (one set per process). */
function loginThrottles(): { perClient: Throttle; perUser: Throttle } {
  throttleHolder.t ??= {
    perClient: new Throttle(settings().DASHBOARD_LOGIN_ATTEMPTS_PER_MINUTE, 60_000),
    perUser: new Throttle(settings().DASHBOARD_LOGINS_PER_USER_PER_HOUR, 3_600_000),
  };
  return throttleHolder.t;
}

/** GET /api/session — who is logged in (never the token). */
export const GET = apiRoute("/api/session", (request: Request) => {
  const id = requestIdentity(request);
  return { mode: authConfig().mode, user: id?.user ?? null, groups: id?.groups ?? [] };
});

/** POST /api/session `{ token }` — token mode: check the token with the API server, then set the session cookie. */
export const POST = apiRoute("/api/session", async (request: Request) => {
  try {
    if (authConfig().mode !== "token") {
      throw new DashboardError(
        409,
        `logging in with a token is only for DASHBOARD_AUTH=token (this dashboard runs with ${authConfig().mode})`,
      );
    }
    const parsed = body.safeParse(await readJsonBody(request, 64 * 1024));
    if (!parsed.success) {
      throw new DashboardError(422, 'send JSON like {"token": "<your Kubernetes bearer token>"}');
    }
    const token = normaliseToken(parsed.data.token);
    if (!token) throw new DashboardError(422, "paste your Kubernetes bearer token first");
    // Counted before the API server is asked: a burst of guesses costs it at most the limit.
    const client = loginThrottles().perClient.attempt(clientKey(request.headers));
    if (!client.allowed) {
      throw new DashboardError(
        429,
        `too many login attempts from here: wait ${client.retryAfterSeconds} s, then paste the token again`,
        { retryAfterSeconds: client.retryAfterSeconds },
      );
    }
    const owner = await tokenOwner(baseKubeConfig(), token, settings().DASHBOARD_NAMESPACE);
    const perUser = loginThrottles().perUser.attempt(owner.user);
    if (!perUser.allowed) {
      throw new DashboardError(
        429,
        `${owner.user} has logged in too often in the last hour: wait ${Math.ceil(perUser.retryAfterSeconds / 60)} min, or use a session you have`,
        { retryAfterSeconds: perUser.retryAfterSeconds },
      );
    }
    const id = sessionStore().create({ token, user: owner.user, groups: owner.groups });
    if (!id) {
      throw new DashboardError(
        503,
        "the dashboard holds as many sessions as it can: try again later (sessions end after 8 hours or on logout)",
        { retryAfterSeconds: 300 },
      );
    }
    log.info("logged in", { user: owner.user, via: owner.via });
    const res = json({ user: owner.user, groups: owner.groups });
    res.headers.append(
      "set-cookie",
      sessionCookie(id, { secure: requestIsHttps(request), maxAgeSeconds: SESSION_TTL_MS / 1000 }),
    );
    return res;
  } catch (err) {
    if (err instanceof DashboardError && err.status === 401)
      log.warn("login refused", { reason: "token not accepted" });
    throw err;
  }
});

/** DELETE /api/session — log out: forget the session server-side and clear the cookie. */
export const DELETE = apiRoute("/api/session", (request: Request) => {
  const id = cookieValue(request.headers.get("cookie"), SESSION_COOKIE);
  const user = id ? sessionStore().get(id)?.user : undefined;
  if (id) sessionStore().delete(id);
  if (user) log.info("logged out", { user });
  const res = json({ loggedOut: true });
  res.headers.append("set-cookie", clearedSessionCookie({ secure: requestIsHttps(request) }));
  return res;
});
