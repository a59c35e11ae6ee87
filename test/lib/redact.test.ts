import { describe, expect, test } from "bun:test";
import { clip, makeRedactor } from "../../src/lib/redact.ts";
import { escapeHtml } from "../../src/render/html.ts";

const SECRET = "Kq7\"Zx\\9<Rt&%2F+Mn pXü3vKd'8sY";
const redact = makeRedactor([SECRET, "plainTOKEN0123456789"]);

/** Every 6-character piece of the secret found in `text` (none means nothing usable leaked). */
function piecesIn(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 6 <= SECRET.length; i++) if (text.includes(SECRET.slice(i, i + 6))) found.push(SECRET.slice(i, i + 6));
  return found;
}

/** A value as it appears inside a JSON string literal. */
const json = (text: string): string => JSON.stringify(text).slice(1, -1);

describe("makeRedactor", () => {
  const html = escapeHtml(SECRET);
  const forms: Record<string, string> = {
    raw: SECRET,
    "whitespace-collapsed": SECRET.replace(" ", "  ").replace(/\s+/g, " "),
    JSON: json(SECRET),
    "JSON, ASCII only": json(SECRET).replace("ü", "\\u00fc"),
    HTML: html,
    "HTML, &#39;": html.replace("'", "&#39;"),
    "HTML, &#x27;": html.replace("'", "&#x27;"),
    "URL-encoded": encodeURIComponent(SECRET),
    "URL-encoded, lower-case hex": encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    "form-encoded": new URLSearchParams({ s: SECRET }).toString().slice(2),
    "JSON inside JSON (a quoted body logged as a field)": json(json(SECRET)),
    "JSON inside HTML (a quoted body in the Telegram message)": escapeHtml(json(SECRET)),
    "JSON inside JSON inside JSON (a JSON body's excerpt quoted, then logged)": json(json(json(SECRET))),
  };
  for (const [name, form] of Object.entries(forms)) {
    test(`replaces the ${name} form wherever it appears`, () => {
      expect(redact(`before ${form} after ${form}`)).toBe("before *** after ***");
    });
  }

  test("a clipped secret's leading piece of 6 or more characters goes at the clip mark, a line end and the end", () => {
    expect(redact('key Kq7"Zx\\9…)')).toBe("key ***…)");
    expect(redact('key Kq7"Zx\nnext line')).toBe("key ***\nnext line");
    expect(redact('key Kq7"Zx')).toBe("key ***");
    expect(redact("key plainT…")).toBe("key ***…");
    // Shorter pieces say too little to matter, and a piece not at a boundary is ordinary text.
    expect(redact('key Kq7"Z…')).toBe('key Kq7"Z…');
    expect(redact('key Kq7"Zx and more')).toBe('key Kq7"Zx and more');
  });

  test("a clip at any point of a secret, in any escaping, leaves no 6-character piece of it", () => {
    const sinks: Record<string, (text: string) => string> = {
      raw: (text) => text,
      "JSON-quoted": (text) => JSON.stringify(text),
      "JSON-quoted twice": (text) => JSON.stringify(JSON.stringify(text)),
      "HTML-escaped": escapeHtml,
      "JSON-quoted, then HTML-escaped": (text) => escapeHtml(JSON.stringify(text)),
    };
    const prefix = "upstream said: api key ";
    for (const [name, sink] of Object.entries(sinks)) {
      for (let cut = 0; cut <= SECRET.length + 1; cut++) {
        const clipped = clip(`${prefix}${SECRET} is invalid`, prefix.length + cut + 1);
        const out = redact(sink(`Bybit failed (${clipped}); try again`));
        expect({ sink: name, cut, pieces: piecesIn(out) }).toEqual({ sink: name, cut, pieces: [] });
      }
    }
  });

  test("leaves text without a secret alone, and ignores values shorter than 4 characters", () => {
    const text = "Bybit: $28,545.22 · OKX: $16,444.83…\nTotal: $44,990.05";
    expect(redact(text)).toBe(text);
    expect(makeRedactor(["ab"])("abc cab")).toBe("abc cab");
    expect(makeRedactor(["abcd", "abcdef"])("xabcdefx abcd")).toBe("x***x ***");
    expect(makeRedactor([])("anything…")).toBe("anything…");
  });
});

describe("clip", () => {
  test("keeps short text, and cuts long text between code points with a trailing …", () => {
    expect(clip("short", 10)).toBe("short");
    expect(clip("0123456789abc", 10)).toBe("012345678…");
    expect(clip("😀😀😀😀😀😀", 6)).toBe("😀😀…");
    expect(clip("0123456789abc", 10).length).toBeLessThanOrEqual(10);
  });
});
