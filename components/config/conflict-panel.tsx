"use client";

import { unifiedDiff } from "@/lib/config/diff";
import type { ConfigConflictBody } from "@/lib/api-types";
import { DiffView } from "./diff-view";

/**
 * Someone wrote the ConfigMap after the operator loaded it. Shows what the other person changed (the
 * version the operator loaded, `base`, → the current one), what applying theirs-plus-yours would
 * change relative to the current text, and offers to re-apply on top (nothing is lost: the
 * operator's edits stay in the form) or to discard.
 */
export function ConflictPanel({
  conflict,
  base,
  onReapply,
  onDiscard,
}: {
  conflict: ConfigConflictBody;
  /** The Corefile the operator's edit was based on (the one the page loaded). */
  base: { resourceVersion: string; corefile: string };
  onReapply: () => void;
  onDiscard: () => void;
}) {
  const by = conflict.changedBy ?? [];
  return (
    <section className="banner banner-warn" role="alert" data-testid="conflict">
      <p>
        <strong>The Corefile changed underneath you.</strong> {conflict.error.message}
      </p>
      <p>
        What they changed, from the version you loaded (<code>{base.resourceVersion}</code>) to the current
        one (<code>{conflict.current.resourceVersion}</code>)
        {by.length > 0 ? (
          <>
            {" "}
            — by{" "}
            {by
              .map((c) => (c.source === "outside" ? `${c.user} (outside the dashboard)` : c.user))
              .join(", ")}
          </>
        ) : null}
        :
      </p>
      <div data-testid="conflict-theirs">
        <DiffView
          diff={
            base.corefile === conflict.current.corefile
              ? ""
              : unifiedDiff(base.corefile, conflict.current.corefile, {
                  oldName: "loaded",
                  newName: "current",
                })
          }
          label="Their change: the version you loaded to the current Corefile"
        />
      </div>
      <p>Your change applied on top of the current Corefile would do this:</p>
      <DiffView
        diff={unifiedDiff(conflict.current.corefile, conflict.yours.corefile, {
          oldName: "current",
          newName: "yours",
        })}
        label="Your change on top of the current Corefile"
      />
      <div className="cfg-actions">
        <button type="button" className="primary" onClick={onReapply}>
          Load the current version and keep my edits
        </button>
        <button type="button" onClick={onDiscard}>
          Discard my edits
        </button>
      </div>
    </section>
  );
}
