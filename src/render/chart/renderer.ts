/**
 * @module The chart renderer process (client.ts starts one per chart): reads an SVG document from stdin,
 * writes its PNG to stdout and exits 0; on failure it writes one line saying why to stderr and exits 1.
 */
import { errorMessage } from "../../lib/errors.ts";
import { renderPng } from "./rasterize.ts";

export async function runChartRenderer(): Promise<number> {
  try {
    const png = await renderPng(await Bun.stdin.text());
    await Bun.write(Bun.stdout, png);
    return 0;
  } catch (error) {
    process.stderr.write(`${errorMessage(error).replace(/\s+/g, " ")}\n`);
    return 1;
  }
}
