// The screenshot tool's pure half (no Chromium): Telegram HTML is parsed the way Telegram does, and no
// input reaches the page as markup.
import { describe, expect, test } from "bun:test";
import { parseTelegramHtml, TelegramHtmlError } from "../../scripts/telegram-html.ts";
import { buildPage, codeFontPx, type PageMessage } from "../../scripts/telegram-page.ts";

function page(html: string, keyboard: string[][] = [], mode: "chat" | "notification" = "chat"): string {
  const message: PageMessage = {
    parsed: parseTelegramHtml(html),
    keyboard,
    photo: null,
    document: null,
    time: "13:05",
    edited: false,
    silent: false,
  };
  return buildPage([message], { width: 380, mode, notificationLines: 2 });
}

/** The page's markup outside its own <style> and measuring <script>. */
function bodyOf(html: string): string {
  return html.slice(html.indexOf("<body>"), html.indexOf('<script id="pfbot-layout"'));
}

describe("Telegram HTML is refused where Telegram refuses it", () => {
  test.each([
    ["a < b", /starts no tag/],
    ["<div>x</div>", /unsupported start tag <div>/],
    ["<b>x</i>", /does not close <b>/],
    ["<b>x", /no end tag for <b>/],
    ["x</b>", /unmatched end tag/],
    ['<span class="big">x</span>', /class="tg-spoiler"/],
    ["<br/>", /unsupported start tag <br>/],
  ])("%p", (html, message) => {
    expect(() => parseTelegramHtml(html)).toThrow(TelegramHtmlError);
    expect(() => parseTelegramHtml(html)).toThrow(message);
  });
});

describe("parsing", () => {
  test("decodes Telegram's four named entities and numeric ones, keeps unknown ones, trims the message", () => {
    const parsed = parseTelegramHtml("  \n&lt;b&gt; &amp; &quot;x&quot; &#8381; &#x1F4C8; &nbsp; &copy;\n ");
    expect(parsed.text).toBe('<b> & "x" ₽ 📈 &nbsp; &copy;');
  });

  test("a > inside a quoted attribute does not end the tag", () => {
    expect(parseTelegramHtml('<a href="https://x.org/?q=a>b">link</a>').text).toBe("link");
  });

  test("pre and blockquote become blocks and take the newlines around them", () => {
    const parsed = parseTelegramHtml(
      'head\n<pre><code class="language-json">{"a": 1}\n{"b": 2}</code></pre>\n<blockquote expandable>q</blockquote>\ntail',
    );
    expect(parsed.blocks.map((b) => b.kind)).toEqual(["text", "pre", "quote", "text"]);
    const [head, pre, quote] = parsed.blocks;
    expect(head).toEqual({ kind: "text", lines: [[{ text: "head", marks: [] }]] });
    expect(pre).toEqual({ kind: "pre", language: "json", lines: ['{"a": 1}', '{"b": 2}'], length: 17 });
    expect(quote).toMatchObject({ kind: "quote", expandable: true });
  });

  test("nested marks apply to each segment; a line split inside a tag keeps the tag on both lines", () => {
    const parsed = parseTelegramHtml("<b>a <i>b\nc</i></b> d");
    expect(parsed.blocks).toEqual([
      {
        kind: "text",
        lines: [
          [
            { text: "a ", marks: ["b"] },
            { text: "b", marks: ["b", "i"] },
          ],
          [
            { text: "c", marks: ["b", "i"] },
            { text: " d", marks: [] },
          ],
        ],
      },
    ]);
  });

  test("commands, mentions, hashtags, cashtags and URLs are links as Telegram detects them; USD/RUB is not", () => {
    const links = (html: string) => {
      const block = parseTelegramHtml(html).blocks[0];
      return block?.kind === "text"
        ? block.lines
            .flat()
            .filter((s) => s.marks.includes("link"))
            .map((s) => s.text)
        : [];
    };
    expect(links("/status @pfbot_bot #tag $BTC https://x.org/a, USD/RUB a/b @abc")).toEqual([
      "/status",
      "@pfbot_bot",
      "#tag",
      "$BTC",
      "https://x.org/a",
    ]);
    expect(links("<code>/status</code> &lt;/script&gt;")).toEqual([]);
  });

  test("a notification shows spoilers as Telegram's braille characters, one per character", () => {
    const parsed = parseTelegramHtml("Total <tg-spoiler>$391,014</tg-spoiler>");
    expect(parsed.text).toBe("Total $391,014");
    expect(parsed.notificationText).toBe("Total ⠌⡢⢑⠨⠥⠮⡑⠌");
  });
});

describe("the page never carries input as markup", () => {
  test("tags written as entities stay text, and attributes are never copied", () => {
    const html = page(
      '&lt;script&gt;alert(1)&lt;/script&gt; <a href="&quot; onmouseover=&quot;alert(2)">x</a> <pre>&lt;img src=x onerror=alert(3)&gt;</pre>',
      [["<img src=y onerror=alert(4)>"]],
    );
    const body = bodyOf(html);
    expect(body).not.toContain("<script");
    expect(body).not.toContain("<img");
    expect(body).not.toContain("onmouseover");
    expect(body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(body).toContain("&lt;img src=x onerror=alert(3)&gt;");
    expect(body).toContain("&lt;img src=y onerror=alert(4)&gt;");
  });

  test("notification text is escaped too", () => {
    const body = bodyOf(page("&lt;b&gt;bold?&lt;/b&gt;", [], "notification"));
    expect(body).toContain("&lt;b&gt;bold?&lt;/b&gt;");
    expect(body).not.toContain("<b>");
  });

  test("the page may load nothing", () => {
    expect(page("x")).toContain(`content="default-src 'none'; img-src data:;`);
  });
});

test("code blocks take Telegram Android's font size by length", () => {
  expect([codeFontPx(1), codeFontPx(80), codeFontPx(81), codeFontPx(220), codeFontPx(221)]).toEqual([14, 14, 13, 13, 11]);
  expect(page(`<pre>${"x".repeat(81)}</pre>`)).toContain('class="pre" style="font-size:13px"');
});
