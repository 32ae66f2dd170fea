"use client";

import { useMemo } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { downsample } from "@/lib/client/downsample";

/** About one point per two pixels of a chart half the page wide. */
const MAX_POINTS = 400;

export interface Series {
  key: string;
  label: string;
  color: string;
}

export interface TimeSeriesChartProps {
  title: string;
  /** Plain points: `t` in ms and one number (or null for a gap) per series key. */
  points: readonly ({ t: number } & Record<string, number | null>)[];
  series: readonly Series[];
  format: (v: number) => string;
  /** Fix the y domain, e.g. [0, 1] for ratios. */
  domain?: [number, number];
  height?: number;
}

/**
 * One formatter for every tick and tooltip: `toLocaleTimeString` with options builds a new
 * Intl.DateTimeFormat per call, which the overview bench found to be the page's costliest function.
 */
const TIME_FORMAT = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const time = (t: number) => TIME_FORMAT.format(t);

/** All charts go through this wrapper: recharts stays an implementation detail. */
export function TimeSeriesChart({
  title,
  points,
  series,
  format,
  domain,
  height = 180,
}: TimeSeriesChartProps) {
  const drawn = useMemo(
    () =>
      downsample(
        points,
        series.map((s) => s.key),
        MAX_POINTS,
      ),
    [points, series],
  );
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {points.length < 2 ? (
        <div className="chart-empty" style={{ height }}>
          Collecting data — a chart needs two scrapes.
        </div>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={drawn} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              domain={["dataMin", "dataMax"]}
              tickFormatter={time}
              tick={{ fontSize: 11 }}
              minTickGap={40}
            />
            <YAxis
              tickFormatter={format}
              tick={{ fontSize: 11 }}
              width={64}
              domain={domain ?? [0, "auto"]}
              allowDataOverflow={Boolean(domain)}
            />
            <Tooltip
              labelFormatter={(t) => time(Number(t))}
              formatter={(v) => (typeof v === "number" ? format(v) : String(v))}
              isAnimationActive={false}
            />
            {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
            {series.map((s) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                dot={false}
                strokeWidth={1.8}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

/** A fixed palette so the same zone keeps its colour across charts. */
export const PALETTE = ["#1f6feb", "#d97706", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#64748b"];
