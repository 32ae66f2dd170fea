"use client";

import type { CorefileServerBlock } from "@/lib/api-types";
import { draftOf, type BlockDraft } from "./draft";

/** One server block as a card: what it serves and how, with the editable settings as inputs. */
export function BlockCard({
  block,
  draft,
  editable,
  selected,
  onChange,
  onSelect,
}: {
  block: CorefileServerBlock;
  draft: BlockDraft;
  editable: boolean;
  selected: boolean;
  onChange: (next: BlockDraft) => void;
  onSelect: () => void;
}) {
  const name = block.keys.join(" ");
  const id = `block-${name.replace(/[^a-z0-9]+/gi, "-")}`;
  const cache = block.cache;
  const set = (patch: Partial<BlockDraft>) => onChange({ ...draft, ...patch });
  const original = draftOf(block);
  const numberInput = (field: Exclude<keyof BlockDraft, "log">, label: string) => {
    const changed = draft[field].trim() !== original[field];
    return (
      <label
        className={`cfg-field${changed ? " cfg-field-changed" : ""}`}
        data-changed={changed || undefined}
      >
        <span>
          {label}
          {changed ? (
            <>
              {" "}
              <em className="cfg-changed" title={`was ${original[field]}`}>
                changed
              </em>
            </>
          ) : null}
        </span>
        <input
          type="text"
          inputMode="numeric"
          value={String(draft[field])}
          disabled={!editable}
          aria-label={`${name} ${label}`}
          data-field={field}
          onChange={(e) => set({ [field]: e.target.value })}
        />
      </label>
    );
  };
  return (
    <section
      className={`cfg-block${selected ? " cfg-block-selected" : ""}`}
      aria-labelledby={`${id}-title`}
      data-block={name}
    >
      <header className="cfg-block-head">
        <h3 id={`${id}-title`}>
          <button
            type="button"
            className="linklike"
            onClick={onSelect}
            aria-pressed={selected}
            title="Link to this block"
          >
            {name}
          </button>
        </h3>
        <span className="muted">line {block.line}</span>
      </header>
      <dl className="cfg-facts">
        <dt>Zones</dt>
        <dd>{block.zones.join(", ")}</dd>
        <dt>Bind</dt>
        <dd>{block.bind.length ? block.bind.join(", ") : "all interfaces"}</dd>
        <dt>Forward</dt>
        <dd>
          {block.forward ? (
            <>
              {block.forward.to.join(", ")}
              {block.forward.to.some((t) => t.startsWith("__PILLAR__")) ? (
                <span className="cfg-placeholder">(node-cache fills this in on each node)</span>
              ) : null}
              {block.forward.forceTcp ? <span className="badge badge-muted">force_tcp</span> : null}
              {block.forward.preferUdp ? <span className="badge badge-muted">prefer_udp</span> : null}
            </>
          ) : (
            "none"
          )}
        </dd>
        {cache?.prefetch ? (
          <>
            <dt>Prefetch</dt>
            <dd>
              {cache.prefetch.amount} hits in {cache.prefetch.durationSeconds}s, at{" "}
              {cache.prefetch.percentage}% TTL left
            </dd>
          </>
        ) : null}
        {cache?.serveStale ? (
          <>
            <dt>Serve stale</dt>
            <dd>
              up to {cache.serveStale.durationSeconds}s ({cache.serveStale.mode})
            </dd>
          </>
        ) : null}
      </dl>
      <label className="cfg-toggle">
        <input
          type="checkbox"
          checked={draft.log}
          disabled={!editable}
          data-field="log"
          onChange={(e) => set({ log: e.target.checked })}
        />
        <span>
          Query log (<code>log</code>){" "}
          {draft.log !== block.log ? <em className="cfg-changed">changed</em> : null}
        </span>
      </label>
      {cache ? (
        <fieldset className="cfg-cache">
          <legend>Cache</legend>
          <div className="cfg-cache-row">
            <span className="cfg-tier">success</span>
            {numberInput("successCapacity", "success capacity")}
            {numberInput("successTtl", "success max TTL (s)")}
          </div>
          <div className="cfg-cache-row">
            <span className="cfg-tier">denial</span>
            {numberInput("denialCapacity", "denial capacity")}
            {numberInput("denialTtl", "denial max TTL (s)")}
          </div>
        </fieldset>
      ) : (
        <p className="muted">No cache in this block.</p>
      )}
    </section>
  );
}
