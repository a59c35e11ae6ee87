import { expect, test } from "bun:test";
import { inflateSync } from "node:zlib";
import { dec } from "../../../src/lib/money.ts";
import { RENDER_CHART_ARG, renderChartPng } from "../../../src/render/chart/client.ts";
import { donutChartSvg } from "../../../src/render/chart/donut.ts";
import { ChartError } from "../../../src/render/chart/errors.ts";
import { lineChartSvg } from "../../../src/render/chart/line.ts";
import { encodePng } from "../../../src/render/chart/png.ts";
import { renderPng } from "../../../src/render/chart/rasterize.ts";
import { dayKey, dayNumber } from "../../../src/render/chart/ticks.ts";
import { pngSize } from "./support.ts";

function line(n: number, size?: { width: number; height: number }) {
  const start = dayNumber("2026-11-24") - n + 1;
  const points = Array.from({ length: n }, (_, i) => ({
    day: dayKey(start + i),
    value: i === 3 ? null : dec((150_000 + i * 37.5).toFixed(2)),
    partial: i === n - 1,
  }));
  return lineChartSvg({ points, currency: "USD", privacy: false, title: "Portfolio value", ...(size ? { size } : {}) }).svg;
}

test("a line chart rasterises to a 1280×720 PNG; another size gives that size", async () => {
  expect(pngSize(await renderPng(line(30)))).toEqual({ width: 1280, height: 720 });
  expect(pngSize(await renderPng(line(30, { width: 640, height: 360 })))).toEqual({ width: 640, height: 360 });
});

test("2 days, 365 days and 3653 days all rasterise", async () => {
  for (const n of [2, 365, 3653]) expect(pngSize(await renderPng(line(n)))).toEqual({ width: 1280, height: 720 });
});

test("a donut rasterises to a 1280×720 PNG", async () => {
  const { svg } = donutChartSvg({
    slices: [
      { label: "Bybit", value: dec("10") },
      { label: "Т-Банк", value: dec("30") },
    ],
    currency: "RUB",
    privacy: false,
    title: "Allocation",
    centreLabel: "Total",
  });
  expect(pngSize(await renderPng(svg))).toEqual({ width: 1280, height: 720 });
});

test("text is drawn with the embedded font (without it resvg silently drops every text element)", async () => {
  const doc = (body: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="#fff"/>${body}</svg>`;
  const blank = await renderPng(doc(""));
  const withText = await renderPng(doc('<text x="10" y="40" font-size="30" font-family="Inter">₽ Ёж</text>'));
  const withBold = await renderPng(doc('<text x="10" y="40" font-size="30" font-family="Inter" font-weight="600">₽ Ёж</text>'));
  expect(Buffer.from(withText).equals(Buffer.from(blank))).toBe(false);
  expect(Buffer.from(withBold).equals(Buffer.from(withText))).toBe(false);
});

test("a malformed SVG is a typed render error", async () => {
  const error = await renderPng("<svg").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChartError);
  expect((error as ChartError).kind).toBe("render-failed");
});

test("the renderer process returns the same PNG as rendering in process, and reports failures as typed errors", async () => {
  const svg = line(30);
  const [viaProcess, inProcess] = await Promise.all([renderChartPng(svg), renderPng(svg)]);
  expect(Buffer.from(viaProcess).equals(Buffer.from(inProcess))).toBe(true);
  const failed = await renderChartPng("<svg").catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(ChartError);
  expect((failed as ChartError).kind).toBe("render-failed");
  expect((failed as ChartError).message).toStartWith(
    "the chart renderer failed: could not render the chart image: SVG data parsing failed",
  );
});

test("a renderer that cannot be started, or dies without a word, is a typed render error", async () => {
  const missing = await renderChartPng(line(2), { command: ["/nonexistent/pfbot", RENDER_CHART_ARG] }).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(ChartError);
  expect((missing as ChartError).kind).toBe("render-failed");
  expect((missing as ChartError).message).toStartWith("could not start the chart renderer:");
  const killed = await renderChartPng(line(2), { command: ["/bin/sh", "-c", "kill -9 $$"] }).catch((e: unknown) => e);
  expect((killed as ChartError).message).toBe("the chart renderer failed: killed by SIGKILL");
});

test("a renderer that does not answer in time is killed with a typed timeout; one still running when pfbot stops is killed", async () => {
  const error = await renderChartPng(line(30), { timeoutMs: 1 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChartError);
  expect((error as ChartError).kind).toBe("render-timeout");
  const stopping = new AbortController();
  const hanging = renderChartPng(line(2), { command: ["/bin/sleep", "60"], signal: stopping.signal }).catch((e: unknown) => e);
  stopping.abort();
  expect(((await hanging) as ChartError).message).toBe("the chart renderer failed: killed by SIGKILL");
});

/** An independent CRC-32 (PNG's polynomial), to check the encoder's chunks without its own helper. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test("the PNG's chunks check out and its pixels are the drawn colours", async () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect x="20" width="20" height="20" fill="#2563EB"/><rect x="0" y="10" width="20" height="10" fill="#F59E0B" fill-opacity="0.5"/></svg>`;
  const png = await renderPng(svg);
  expect(pngSize(png)).toEqual({ width: 40, height: 20 });
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = view.getUint32(offset);
    const body = png.subarray(offset + 4, offset + 8 + length);
    const type = new TextDecoder().decode(body.subarray(0, 4));
    expect(view.getUint32(offset + 8 + length)).toBe(crc32(body));
    types.push(type);
    if (type === "IDAT") idat.push(body.subarray(4));
    offset += 12 + length;
  }
  expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(20 * (40 * 4 + 1));
  const pixel = (x: number, y: number) => [...raw.subarray(y * 161 + 1 + x * 4, y * 161 + 1 + x * 4 + 4)];
  expect(pixel(30, 5)).toEqual([0x25, 0x63, 0xeb, 255]);
  expect(pixel(5, 5)).toEqual([255, 255, 255, 255]);
  // Half-transparent orange over the white background, straight (not premultiplied) alpha.
  const [r, g, b, a] = pixel(5, 15);
  expect(a).toBe(255);
  expect(Math.abs((r ?? 0) - 250)).toBeLessThanOrEqual(2);
  expect(Math.abs((g ?? 0) - 206)).toBeLessThanOrEqual(2);
  expect(Math.abs((b ?? 0) - 133)).toBeLessThanOrEqual(2);
});

test("encodePng refuses pixels that do not match the size", () => {
  expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(RangeError);
});
