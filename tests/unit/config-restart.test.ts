import { describe, expect, it } from "vitest";
import {
  RESTART_PATCH_CONTENT_TYPE,
  RESTARTED_AT_ANNOTATION,
  restartPatch,
  rfc3339Seconds,
} from "@/lib/config/restart";

describe("restartPatch", () => {
  it("is the strategic merge patch kubectl rollout restart sends, byte for byte", () => {
    const now = new Date("2026-03-01T12:34:56.789Z");
    expect(JSON.stringify(restartPatch(now))).toBe(
      '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-03-01T12:34:56Z"}}}}}',
    );
    expect(RESTART_PATCH_CONTENT_TYPE).toBe("application/strategic-merge-patch+json");
    expect(RESTARTED_AT_ANNOTATION).toBe("kubectl.kubernetes.io/restartedAt");
  });

  it("formats RFC 3339 with whole seconds, as Go's time.RFC3339 does", () => {
    expect(rfc3339Seconds(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 999)))).toBe("2026-01-02T03:04:05Z");
    expect(rfc3339Seconds(new Date(0))).toBe("1970-01-01T00:00:00Z");
    expect(() => rfc3339Seconds(new Date("nonsense"))).toThrow(RangeError);
  });

  it("gives a new value each second, so each restart changes the template", () => {
    const a = restartPatch(new Date("2026-03-01T12:00:00Z"));
    const b = restartPatch(new Date("2026-03-01T12:00:01Z"));
    expect(a).not.toEqual(b);
  });
});
