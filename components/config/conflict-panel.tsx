"use client";

import { unifiedDiff } from "@/lib/config/diff";
import type { ConfigConflictBody } from "@/lib/api-types";
import { DiffView } from "./diff-view";

/**
 * Someone wrote the ConfigMap after the operator loaded it. Shows what applying theirs-plus-yours
 * would change relative to the current text, and offers to re-apply on top (nothing is lost: the
 * operator's edits stay in the form) or to discard.
 */
export function ConflictPanel({
  conflict,
  onReapply,
  onDiscard,
}: {
  conflict: ConfigConflictBody;
  onReapply: () => void;
  onDiscard: () => void;
}) {
  return (
    <section className="banner banner-warn" role="alert" data-testid="conflict">
      <p>
        <strong>The Corefile changed underneath you.</strong> {conflict.error.message}
      </p>
      <p>
        The ConfigMap is now at version <code>{conflict.current.resourceVersion}</code>. Your change applied
        on top of it would do this:
      </p>
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
