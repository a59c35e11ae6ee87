/**
 * @module SVG → PNG with resvg compiled to WebAssembly: no native addon, so the x64 and arm64
 * cross-builds keep working. The wasm and the Inter fonts are imported `with { type: "file" }`, which
 * embeds them in the compiled binary; nothing is read from beside it (reference/charts.md, "Embedding
 * files"). resvg sees no system fonts: without the font buffers every text element silently vanishes.
 */

import interRegularPath from "@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf" with { type: "file" };
import interSemiBoldPath from "@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf" with { type: "file" };
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import wasmPath from "@resvg/resvg-wasm/index_bg.wasm" with { type: "file" };
import { errorMessage } from "../../lib/errors.ts";
import { ChartError } from "./errors.ts";
import { encodePng } from "./png.ts";
import { FONT_FAMILY } from "./svg.ts";

interface Engine {
  readonly fonts: Uint8Array[];
}

// The one piece of module state: resvg's wasm instance is per process and initWasm
// throws "Already initialized" the second time, so the first call's promise is shared.
let engine: Promise<Engine> | undefined;

/**
 * Rasterises an SVG document at its own width × height on a white background. The PNG is encoded
 * natively (png.ts), not by resvg. Rejects with ChartError "render-failed".
 */
export async function renderPng(svg: string): Promise<Uint8Array> {
  const { fonts } = await loadEngine();
  let resvg: InstanceType<typeof Resvg> | undefined;
  try {
    resvg = new Resvg(svg, {
      font: { fontBuffers: fonts, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
      fitTo: { mode: "original" },
      // Opaque, so resvg's premultiplied pixels are also the straight RGBA that encodePng needs.
      background: "#FFFFFF",
      shapeRendering: 2,
      textRendering: 1,
    });
    const image = resvg.render();
    try {
      return encodePng(image.width, image.height, image.pixels);
    } finally {
      image.free();
    }
  } catch (error) {
    throw new ChartError("render-failed", `could not render the chart image: ${errorMessage(error)}`, { cause: error });
  } finally {
    resvg?.free();
  }
}

function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const [wasm, regular, semiBold] = await Promise.all([wasmPath, interRegularPath, interSemiBoldPath].map(readEmbedded));
    await initWasm(wasm as Uint8Array<ArrayBuffer>);
    return { fonts: [regular as Uint8Array, semiBold as Uint8Array] };
  })();
  engine.catch(() => {
    engine = undefined;
  });
  return engine;
}

/**
 * An embedded file's bytes. The build gzips the wasm and the fonts as it embeds them (scripts/build.ts):
 * reading them touches 1.3 MB of the binary's pages instead of 3.2 MB, and those pages stay resident
 * in the bot's RSS after the first chart. From source they are the files as installed.
 */
async function readEmbedded(path: string): Promise<Uint8Array> {
  const bytes = await Bun.file(path).bytes();
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? Bun.gunzipSync(bytes) : bytes;
}
