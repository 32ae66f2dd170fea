/** A unified diff with removed lines red and added lines green; empty diffs say so. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  if (diff === "") return <p className="muted">No changes.</p>;
  const lines = diff.replace(/\n$/, "").split("\n");
  return (
    <pre className="cfg-diff" aria-label={label} tabIndex={0}>
      {lines.map((l, i) => {
        const kind =
          l.startsWith("+++") || l.startsWith("---")
            ? "head"
            : l.startsWith("@@")
              ? "hunk"
              : l[0] === "+"
                ? "add"
                : l[0] === "-"
                  ? "del"
                  : "ctx";
        return (
          <span key={i} className={`cfg-diff-${kind}`} data-diff={kind}>
            {l}
            {"\n"}
          </span>
        );
      })}
    </pre>
  );
}
