/**
 * @module The allocation donut of the latest complete snapshot, by platform (a broker per account where
 * it has several) or by kind (crypto, stocks and cash, RUB assets), with a caption that says the
 * snapshot's time, the total and each slice's value and share. Pure.
 */
import type { Allocation, AllocationSlice, AssetClass } from "../../history/allocation.ts";
import { add, type Decimal, sum } from "../../lib/money.ts";
import { formatZoned } from "../../lib/zoned-format.ts";
import { escapeHtml } from "../html.ts";
import { type DonutSlice, donutChartSvg } from "./donut.ts";
import { ChartError } from "./errors.ts";
import type { ChartView } from "./history-chart.ts";
import { type ChartCurrency, groupedMoney } from "./labels.ts";

export type AllocationView = "platform" | "kind";

export interface AllocationChartRequest {
  readonly view: AllocationView;
  readonly currency: ChartCurrency;
}

export interface AllocationContext {
  readonly timeZone: string;
  /** Shares only, no amount. */
  readonly privacy: boolean;
}

const CLASS_LABELS: Readonly<Record<AssetClass, string>> = {
  crypto: "Crypto",
  "stocks-and-cash": "Stocks and cash",
  rub: "RUB assets",
};

/** `allocation`: the latest complete snapshot's (history/allocation.ts), null when there has been none. */
export function allocationChart(allocation: Allocation | null, request: AllocationChartRequest, context: AllocationContext): ChartView {
  if (allocation === null) {
    return {
      kind: "text",
      text: "No allocation yet: it is drawn from the latest snapshot in which every platform answered (a report, /status or pfbot --once), and there has been none since pfbot began keeping it.",
    };
  }
  const when = `${formatZoned(allocation.takenAt, context.timeZone, "d MMM yyyy, HH:mm")} (${context.timeZone})`;
  const valued = allocation.slices.flatMap((slice) => {
    const value = request.currency === "USD" ? slice.usd : slice.rub;
    return value === null ? [] : [{ slice, value }];
  });
  if (valued.length < allocation.slices.length) {
    return {
      kind: "text",
      text: `No RUB allocation: the latest complete snapshot (${when}) had no USD/RUB rate; the USD view has it.`,
    };
  }
  const slices = request.view === "platform" ? byPlatform(valued) : byKind(valued);
  // The portfolio's total: a negative slice (a margin account) is left out of the ring but not of this.
  const net = sum(valued.map(({ value }) => value));
  const title = `Allocation by ${request.view}, ${request.currency}`;
  let chart: ReturnType<typeof donutChartSvg>;
  try {
    chart = donutChartSvg({
      slices,
      currency: request.currency,
      privacy: context.privacy,
      title,
      centreLabel: "Total",
      total: net,
      subtitle: `Latest complete snapshot: ${when}`,
    });
  } catch (error) {
    if (error instanceof ChartError && error.kind === "no-slices") {
      return { kind: "text", text: `No allocation to draw: no platform held a positive value in the latest complete snapshot (${when}).` };
    }
    throw error;
  }
  const { meta } = chart;
  const total = context.privacy ? [] : [`Total: <b>${escapeHtml(groupedMoney(net, request.currency))}</b>`];
  const lines = meta.slices.map((slice) => {
    const name = slice.folded.length > 0 ? `${slice.label} (${slice.folded.join(", ")})` : slice.label;
    const value = context.privacy ? "" : `${escapeHtml(slice.valueLabel)} · `;
    return `${escapeHtml(name)}: ${value}<b>${slice.percentLabel}</b>`;
  });
  const left = slices.filter((slice) => meta.excluded.includes(slice.label));
  const excluded = left.map(
    (slice) =>
      `Not in the ring (zero or negative): ${escapeHtml(slice.label)}${context.privacy ? "" : `: ${escapeHtml(groupedMoney(slice.value, request.currency))}`}`,
  );
  const caption = [`<b>${escapeHtml(title)}</b>`, ...total, `Snapshot: ${escapeHtml(when)}`, ...lines, ...excluded];
  return { kind: "chart", svg: chart.svg, caption: caption.join("\n") };
}

interface Valued {
  readonly slice: AllocationSlice;
  readonly value: Decimal;
}

function byPlatform(valued: readonly Valued[]): DonutSlice[] {
  return valued.map(({ slice, value }) => ({
    label: slice.account === null ? slice.name : `${slice.name} · ${slice.account}`,
    value,
  }));
}

/** One slice per class present, in CLASS_LABELS order. */
function byKind(valued: readonly Valued[]): DonutSlice[] {
  const totals = new Map<AssetClass, Decimal>();
  for (const { slice, value } of valued) {
    const sum = totals.get(slice.assetClass);
    totals.set(slice.assetClass, sum === undefined ? value : add(sum, value));
  }
  return (Object.keys(CLASS_LABELS) as AssetClass[]).flatMap((assetClass) => {
    const value = totals.get(assetClass);
    return value === undefined ? [] : [{ label: CLASS_LABELS[assetClass], value }];
  });
}
