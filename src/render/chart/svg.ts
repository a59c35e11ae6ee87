/**
 * @module SVG building blocks shared by the charts: the look (sizes, colours, the one font), XML
 * escaping, text elements and a width estimate for laying text out without a font engine.
 */

/** The only font the rasteriser has (rasterize.ts embeds it); text in any other family disappears. */
export const FONT_FAMILY = "Inter";

/** Sizes that read well on a phone (reference/charts.md, "Sizes that read well on a phone"). */
export const DEFAULT_SIZE = { width: 1280, height: 720 } as const;

export const THEME = {
  background: "#FFFFFF",
  text: "#0F172A",
  muted: "#64748B",
  grid: "#E8ECF2",
  axis: "#CBD5E1",
  accent: "#2563EB",
  titleSize: 26,
  subtitleSize: 18,
  labelSize: 18,
} as const;

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

/** Text for an XML text node or attribute value. Drops characters XML 1.0 forbids (controls, lone surrogates). */
function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Removes emoji and other pictographs: Inter has no glyphs for them and resvg draws boxes instead
 * (reference/charts.md, "Fonts"). Callers' labels may carry them (platform names in the bot's texts).
 */
function stripEmoji(text: string): string {
  return text
    .replace(/\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]|\u{FE0F}|\u{200D}|\u{20E3}/gu, "")
    .replace(/\s{2,}/g, " ")
    .trim();
}

export interface TextOptions {
  readonly size?: number;
  readonly weight?: 400 | 600;
  readonly fill?: string;
  readonly anchor?: "start" | "middle" | "end";
  /** A class name for tests and for finding elements (e.g. "value-tick"). */
  readonly role?: string;
}

/** A <text> element; `content` is escaped here and stripped of emoji. */
export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const attrs = [
    `x="${num(x)}"`,
    `y="${num(y)}"`,
    `font-size="${options.size ?? THEME.labelSize}"`,
    options.weight === 600 ? `font-weight="600"` : "",
    `fill="${options.fill ?? THEME.text}"`,
    options.anchor && options.anchor !== "start" ? `text-anchor="${options.anchor}"` : "",
    options.role ? `class="${options.role}"` : "",
  ].filter((a) => a !== "");
  return `<text ${attrs.join(" ")}>${escapeXml(stripEmoji(content))}</text>`;
}

/**
 * A chart's title (line 1, cut to fit beside `titleReserve` px of the right margin: the line chart's legend)
 * and its optional subtitle (line 2), from `padX` on.
 */
export function chartHeading(title: string, subtitle: string | undefined, size: ChartSize, padX: number, titleReserve = 0): string[] {
  const heading = [
    text(padX, 58, fitText(title, THEME.titleSize, size.width - 2 * padX - titleReserve, 600), {
      size: THEME.titleSize,
      weight: 600,
      role: "title",
    }),
  ];
  if (subtitle)
    heading.push(
      text(padX, 92, fitText(subtitle, THEME.subtitleSize, size.width - 2 * padX), {
        size: THEME.subtitleSize,
        fill: THEME.muted,
        role: "subtitle",
      }),
    );
  return heading;
}

/** The document: a light background and the one font family for every text element. */
export function svgDocument(size: ChartSize, body: readonly string[]): string {
  const { width, height } = size;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="${height}" fill="${THEME.background}"/>`,
    ...body,
    "</svg>",
  ].join("\n");
}

/** A coordinate with at most one decimal: enough for a 1280 px canvas, and keeps long paths short. */
export function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

/**
 * Approximate advance width of `content` in Inter at `size` px. Inter's digits are tabular-ish at
 * about 0.6 em; the estimate errs wide so that text laid out with it does not collide.
 */
export function textWidth(content: string, size: number, weight: 400 | 600 = 400): number {
  let em = 0;
  for (const ch of content) {
    if (/[0-9]/.test(ch)) em += 0.6;
    else if (/[A-Z\u0410-\u042F₽$€]/.test(ch)) em += 0.7;
    else if (/[ .,:;'|!il]/.test(ch)) em += 0.3;
    else em += 0.58;
  }
  return em * size * (weight === 600 ? 1.04 : 1);
}

/** Cuts `content` with an ellipsis so that it fits `maxWidth` px at `size`. */
export function fitText(content: string, size: number, maxWidth: number, weight: 400 | 600 = 400): string {
  if (textWidth(content, size, weight) <= maxWidth) return content;
  const chars = [...content];
  while (chars.length > 1 && textWidth(`${chars.join("")}…`, size, weight) > maxWidth) chars.pop();
  return `${chars.join("").trimEnd()}…`;
}
