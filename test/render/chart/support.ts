// Helpers for the chart tests: read an SVG's text elements and a PNG's header.
import { expect } from "bun:test";
import { ChartError, type ChartErrorKind } from "../../../src/render/chart/errors.ts";

/** The text content of every <text> element (of one class when given), unescaped, in document order. */
export function texts(svg: string, role?: string): string[] {
  const out: string[] = [];
  for (const match of svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
    const attrs = match[1] ?? "";
    if (role !== undefined && !attrs.includes(`class="${role}"`)) continue;
    out.push(unescapeXml(match[2] ?? ""));
  }
  return out;
}

/** Elements of a class, e.g. count(svg, "partial-point"). */
export function count(svg: string, role: string): number {
  return svg.split(`class="${role}"`).length - 1;
}

/** The d attribute of the path of a class. */
export function pathData(svg: string, role: string): string {
  const match = new RegExp(`<path class="${role}" d="([^"]*)"`).exec(svg);
  return match?.[1] ?? "";
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, after checking the signature and that IHDR comes first. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Runs `run` expecting a ChartError of `kind`; returns it. */
export function expectChartError(run: () => unknown, kind: ChartErrorKind): ChartError {
  let caught: unknown = null;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof ChartError)) throw new Error(`expected a ChartError, got ${caught === null ? "a result" : String(caught)}`);
  expect(caught.kind).toBe(kind);
  return caught;
}

/** Three-digit windows of an amount's integer digits: 123456.78 → 123, 234, 345, 456. */
export function digitWindows(amount: string): string[] {
  const digits = amount.split(".")[0]?.replace(/\D/g, "") ?? "";
  return Array.from({ length: Math.max(0, digits.length - 2) }, (_, i) => digits.slice(i, i + 3));
}
