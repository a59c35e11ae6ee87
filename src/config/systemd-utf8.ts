/**
 * systemd's idea of valid UTF-8 (src/basic/utf8.c, `utf8_is_valid_n()` → `utf8_encoded_valid_unichar()`
 * → `unichar_is_valid()`, systemd/systemd as of 2025): each sequence well-formed and in its shortest
 * form, and the code point a Unicode scalar value that is not a noncharacter (U+FDD0..U+FDEF and the
 * last two code points of every plane). Stricter than the WHATWG decoder, which accepts noncharacters.
 * @module
 */

/** True when systemd accepts `bytes` as UTF-8 (an env file name or value it would load). */
export function systemdAcceptsUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    const length = sequenceLength(lead);
    if (length === 0 || i + length > bytes.length) return false;
    if (length > 1) {
      // The lead byte keeps 7 - length payload bits; each continuation byte (10xxxxxx) adds 6.
      let code = lead & (0x7f >> length);
      for (let k = 1; k < length; k++) {
        const next = bytes[i + k] as number;
        if ((next & 0xc0) !== 0x80) return false;
        code = code * 64 + (next & 0x3f);
      }
      if (shortestLength(code) !== length || !isAllowedCodePoint(code)) return false;
    }
    i += length;
  }
  return true;
}

/** The length a lead byte announces; systemd still decodes the obsolete 5- and 6-byte forms (then refuses them by range). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  if ((lead & 0xfc) === 0xf8) return 5;
  if ((lead & 0xfe) === 0xfc) return 6;
  return 0;
}

function shortestLength(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code < 0x10000) return 3;
  if (code < 0x200000) return 4;
  if (code < 0x4000000) return 5;
  return 6;
}

function isAllowedCodePoint(code: number): boolean {
  if (code >= 0x110000) return false;
  if (code >= 0xd800 && code <= 0xdfff) return false; // UTF-16 surrogates
  if (code >= 0xfdd0 && code <= 0xfdef) return false; // noncharacters
  return (code & 0xfffe) !== 0xfffe; // U+xFFFE and U+xFFFF, noncharacters in every plane
}
