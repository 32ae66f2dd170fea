"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { applyHunks, structuredDiff } from "@/lib/config/diff";
import type { ApplyResult, ConfigConflictBody, ConfigResponse } from "@/lib/api-types";
import { BlockCard } from "./block-card";
import { ConflictPanel } from "./conflict-panel";
import { blockKey, draftOf, editsFromDrafts, type BlockDraft } from "./draft";
import { HistoryPanel, RolloutSection } from "./config-sections";
import { MemoryBar } from "./memory-bar";
import { PreviewPanel } from "./preview-panel";
import { ApiError } from "@/lib/client/fetch-json";
import { useApply, useConfig, usePreview, type ChangeBody } from "./use-config";

const LOG_DURATIONS = [
  { value: "", label: "until turned off" },
  { value: "5", label: "for 5 minutes" },
  { value: "15", label: "for 15 minutes" },
  { value: "60", label: "for 1 hour" },
];

/** Container of the Config page: loads the Corefile, holds the operator's draft, drives preview → apply. */
export function ConfigView() {
  const config = useConfig();
  if (config.isPending) return <p className="muted">Loading the Corefile…</p>;
  if (config.isError) {
    return (
      <div className="banner banner-bad" role="alert">
        Cannot load the Corefile: {config.error.message}{" "}
        <button type="button" onClick={() => void config.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  return <ConfigEditor config={config.data} reload={() => config.refetch()} />;
}

function ConfigEditor({ config, reload }: { config: ConfigResponse; reload: () => Promise<unknown> }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const selected = params.get("block");
  const view = params.get("view") === "raw" ? "raw" : "cards";
  const setParam = useCallback(
    (key: string, value: string | null) => {
      const next = new URLSearchParams(params);
      if (value === null) next.delete(key);
      else next.set(key, value);
      const q = next.toString();
      router.replace(`${pathname}${q ? `?${q}` : ""}`, { scroll: false });
    },
    [params, router, pathname],
  );

  // Only fields the operator touched: after a reload the untouched ones follow the new Corefile.
  const [touched, setTouched] = useState<Record<string, Partial<BlockDraft>>>({});
  const [raw, setRaw] = useState<{ base: string; text: string } | null>(null);
  const [logMinutes, setLogMinutes] = useState("");
  const [restart, setRestart] = useState(true);
  const [conflict, setConflict] = useState<ConfigConflictBody | null>(null);
  const [applied, setApplied] = useState<ApplyResult | null>(null);
  const preview = usePreview();
  const apply = useApply();
  const editable = config.access.canEdit;
  const blocks = useMemo(() => config.blocks ?? [], [config.blocks]);
  const drafts = useMemo(() => {
    const out: Record<string, BlockDraft> = {};
    for (const b of blocks) out[blockKey(b)] = { ...draftOf(b), ...touched[blockKey(b)] };
    return out;
  }, [blocks, touched]);
  const { edits, problems } = useMemo(() => editsFromDrafts(blocks, drafts), [blocks, drafts]);
  const rawChanged = raw !== null && raw.text !== config.corefile;
  const useRaw = view === "raw" && rawChanged;
  const logOn = edits.some((e) => e.op === "setLog" && e.on);

  useEffect(() => {
    if (selected)
      document.querySelector(`[data-block="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  const body = (): ChangeBody => ({
    resourceVersion: config.resourceVersion,
    ...(useRaw ? { corefile: raw.text } : { edits }),
    ...(!useRaw && logOn && logMinutes ? { logFor: { minutes: Number(logMinutes) } } : {}),
  });
  const onError = (err: Error) => {
    if (err instanceof ApiError && err.conflict) setConflict(err.conflict);
  };
  const onPreview = () => {
    setApplied(null);
    preview.mutate(body(), { onError });
  };
  const onApply = () =>
    apply.mutate(
      { ...body(), restart },
      {
        onError,
        onSuccess: (result) => {
          setApplied(result);
          setTouched({});
          setRaw(null);
          preview.reset();
        },
      },
    );
  const reapplyOnTop = async () => {
    const current = conflict?.current.corefile;
    preview.reset();
    // The conflict card (and with it a disabled Preview) stays until the current version is loaded:
    // a preview sent before that would be based on the old version again.
    await reload();
    setConflict(null);
    if (raw && current !== undefined) {
      // Raw text: replay the operator's own hunks onto the new text; if they no longer fit, keep
      // their text for a manual merge (the preview then shows what would be overwritten).
      try {
        setRaw({ base: current, text: applyHunks(current, structuredDiff(raw.base, raw.text).hunks) });
      } catch {
        setRaw({ base: current, text: raw.text });
      }
    }
  };
  const discard = async () => {
    setTouched({});
    setRaw(null);
    preview.reset();
    await reload();
    setConflict(null);
  };
  const setAllLogs = (on: boolean) =>
    setTouched((t) => Object.fromEntries(blocks.map((b) => [blockKey(b), { ...t[blockKey(b)], log: on }])));
  const nothingToPreview = useRaw ? false : edits.length === 0 || problems.length > 0;
  const requestError = preview.error ?? apply.error;

  return (
    <>
      {!editable ? (
        <p className="banner banner-warn" data-testid="read-only">
          Read-only: you may not change the Corefile. Missing permission: {config.access.missing}.
        </p>
      ) : null}
      {config.warnings.map((w) => (
        <p key={w.code} className="banner banner-warn" data-warning={w.code}>
          {w.message}
        </p>
      ))}
      {config.logOff?.at ? (
        <p className="banner banner-warn" data-testid="log-off">
          Query logging will be turned off at {new Date(config.logOff.at).toLocaleTimeString()} in{" "}
          {config.logOff.blocks.join(", ")} (requested by {config.logOff.requestedBy}; kept on the ConfigMap,
          so whichever dashboard runs then turns it off).
          {config.logOff.error ? ` Last attempt failed: ${config.logOff.error}` : null}
        </p>
      ) : config.logOff?.error ? (
        <p className="banner banner-warn" data-testid="log-off">
          {config.logOff.error}
        </p>
      ) : null}
      <MemoryBar estimate={config.memory} title="Cache memory when full" />
      <div className="cfg-toolbar" role="toolbar" aria-label="Corefile view">
        <div className="segmented">
          <button type="button" aria-pressed={view === "cards"} onClick={() => setParam("view", null)}>
            Blocks
          </button>
          <button type="button" aria-pressed={view === "raw"} onClick={() => setParam("view", "raw")}>
            Raw Corefile
          </button>
        </div>
        <span className="muted">
          ConfigMap {config.namespace}/{config.configMap}, version <code>{config.resourceVersion}</code>
        </span>
      </div>
      {conflict ? (
        <ConflictPanel
          conflict={conflict}
          base={{ resourceVersion: config.resourceVersion, corefile: config.corefile }}
          onReapply={() => void reapplyOnTop()}
          onDiscard={() => void discard()}
        />
      ) : null}
      {view === "raw" ? (
        <textarea
          className="cfg-raw"
          aria-label="Raw Corefile"
          spellCheck={false}
          readOnly={!editable}
          rows={Math.min(40, config.corefile.split("\n").length + 2)}
          value={raw?.text ?? config.corefile}
          onChange={(e) => setRaw({ base: raw?.base ?? config.corefile, text: e.target.value })}
        />
      ) : config.blocks === null ? (
        <p className="banner banner-bad">The Corefile does not parse: edit it as raw text.</p>
      ) : (
        <>
          {editable ? (
            <div className="cfg-toolbar">
              <span>Query log in all blocks:</span>
              <button type="button" onClick={() => setAllLogs(true)}>
                All on
              </button>
              <button type="button" onClick={() => setAllLogs(false)}>
                All off
              </button>
              <label>
                Keep logging{" "}
                <select
                  value={logMinutes}
                  onChange={(e) => setLogMinutes(e.target.value)}
                  aria-label="How long to keep query logging on"
                >
                  {LOG_DURATIONS.map((d) => (
                    <option key={d.value} value={d.value}>
                      {d.label}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          ) : null}
          <div className="cfg-blocks">
            {blocks.map((b) => {
              const key = blockKey(b);
              return (
                <BlockCard
                  key={key}
                  block={b}
                  draft={drafts[key] ?? draftOf(b)}
                  editable={editable}
                  selected={selected === key}
                  onSelect={() => setParam("block", selected === key ? null : key)}
                  onChange={(next) => setTouched((t) => ({ ...t, [key]: next }))}
                />
              );
            })}
          </div>
        </>
      )}
      {problems.length ? (
        <ul className="banner banner-bad">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      {editable ? (
        <div className="cfg-actions">
          <button
            type="button"
            className="primary"
            onClick={onPreview}
            disabled={nothingToPreview || preview.isPending || conflict !== null}
          >
            {preview.isPending ? "Previewing…" : "Preview"}
          </button>
          <span className="muted">
            {useRaw
              ? "raw text edit"
              : edits.length
                ? `${edits.length} change${edits.length === 1 ? "" : "s"}`
                : "no changes yet"}
          </span>
        </div>
      ) : null}
      {requestError && !(requestError instanceof ApiError && requestError.conflict) ? (
        <div className="banner banner-bad" role="alert">
          {requestError.message}
          {requestError instanceof ApiError && requestError.problems.length ? (
            <ul>
              {requestError.problems.map((p, i) => (
                <li key={i}>
                  line {p.line}: {p.message}
                  {p.note ? <span className="muted"> — {p.note}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {preview.data && !conflict ? (
        <PreviewPanel
          preview={preview.data}
          memory={preview.data.memory}
          restart={restart}
          onRestartChange={setRestart}
          onApply={onApply}
          onCancel={() => preview.reset()}
          applying={apply.isPending}
        />
      ) : null}
      {applied ? (
        <p className="banner" role="status" data-testid="applied">
          Applied: {applied.change.summary}.{" "}
          {applied.restart ? `Rollout restart at ${applied.restart.restartedAt}.` : "Not restarted yet."}
          {applied.restartError ? ` ${applied.restartError}` : ""}
          {applied.recordError ? ` ${applied.recordError}` : ""}
          {applied.logOffAt
            ? ` Logging turns off at ${new Date(applied.logOffAt).toLocaleTimeString()}.`
            : ""}
        </p>
      ) : null}
      <RolloutSection canEdit={editable} applied={applied} />
      <HistoryPanel canEdit={editable} />
    </>
  );
}
