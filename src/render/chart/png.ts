/**
 * @module A minimal PNG encoder for an opaque RGBA image: filter "None" on every row and zlib from
 * the runtime's native code. resvg-wasm's own asPng() deflates inside WebAssembly, which with
 * BUN_JSC_useJIT=0 (the systemd unit's MemoryDenyWriteExecute) is interpreted: 1.3–2.7 s of a
 * 365-day chart's ~2.5 s went there. Natively it takes ~10–20 ms either way, and for flat chart
 * colours the file comes out smaller (46 kB against 61 kB), measured with bench/chart.ts.
 */
import { deflateSync } from "node:zlib";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * PNG bytes for `width` × `height` pixels given as RGBA, 4 bytes a pixel, row by row. The pixels
 * must be straight (not premultiplied) alpha; for an opaque image, as every chart is, both agree.
 */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const stride = width * 4;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== stride * height) {
    throw new RangeError(`encodePng: ${rgba.length} bytes do not make ${width} × ${height} RGBA pixels`);
  }
  // Each row is preceded by its filter type byte, 0 = None: rows are copied natively, no per-byte JS.
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
  const chunks = [chunk("IHDR", header), chunk("IDAT", deflateSync(raw, { level: 6 })), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(SIGNATURE.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(SIGNATURE, 0);
  let offset = SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** length, type, data, CRC-32 of type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, Bun.hash.crc32(out.subarray(4, 8 + data.length)));
  return out;
}
