/**
 * @module A message as Telegram renders it, for a terminal: the text Telegram stores and its entities (what
 * the Bot API made of the HTML) with each entity's style as ANSI SGR codes: bold as bold, italic as italic,
 * code in cyan, links underlined. `bun run demo --telegram` prints what the fake Telegram received this way.
 */
import type { MessageEntity } from "grammy/types";

const STYLE: Readonly<Partial<Record<MessageEntity["type"], string>>> = {
  bold: "1",
  italic: "3",
  underline: "4",
  strikethrough: "9",
  spoiler: "7",
  code: "36",
  pre: "36",
  text_link: "4",
  url: "4",
  blockquote: "2",
  expandable_blockquote: "2",
};

/** `text` with its entities' styles; entity offsets and lengths are in UTF-16 code units, as JavaScript strings count. */
export function ansiMessage(text: string, entities: readonly MessageEntity[]): string {
  const styled = entities.filter((entity) => STYLE[entity.type] !== undefined);
  const cuts = new Set([0, text.length]);
  for (const entity of styled) {
    cuts.add(entity.offset);
    cuts.add(entity.offset + entity.length);
  }
  const points = [...cuts].filter((at) => at >= 0 && at <= text.length).sort((a, b) => a - b);
  let out = "";
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i] as number;
    const to = points[i + 1] as number;
    const codes = styled
      .filter((entity) => entity.offset <= from && to <= entity.offset + entity.length)
      .map((entity) => STYLE[entity.type]);
    const piece = text.slice(from, to);
    // Each styled run is closed before a line break, so a terminal never carries a style onto the next line's prompt.
    out +=
      codes.length === 0
        ? piece
        : piece
            .split("\n")
            .map((line) => (line === "" ? "" : `\x1b[${[...new Set(codes)].join(";")}m${line}\x1b[0m`))
            .join("\n");
  }
  return out;
}
