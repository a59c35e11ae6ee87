import { expect, test } from "bun:test";
import { createLogger } from "../../src/lib/log.ts";

function capture(level: "debug" | "info" | "warn" | "error", secrets: string[]) {
  const lines: string[] = [];
  const log = createLogger({ level, secrets, write: (line) => lines.push(line), colour: false });
  return { log, lines };
}

test("a secret inside a URL is redacted, raw and URL-encoded", () => {
  const token = "12345678901234567890abcd";
  const { log, lines } = capture("debug", [token, "pa$$ word/+="]);
  log.info(`GET https://ndcdyn.interactivebrokers.com/FlexWebService/SendRequest?t=${token}&q=1&v=3`);
  log.info(`retry https://example.com/?p=${encodeURIComponent("pa$$ word/+=")}`);
  log.info(`form body p=${new URLSearchParams({ p: "pa$$ word/+=" }).toString().slice(2)}`);
  expect(lines.join("\n")).not.toContain(token);
  expect(lines.join("\n")).not.toContain("word");
  expect(lines[0]).toBe("INFO  GET https://ndcdyn.interactivebrokers.com/FlexWebService/SendRequest?t=***&q=1&v=3");
});

test("a secret inside an error message and in fields is redacted", () => {
  const { log, lines } = capture("info", ["okx-passphrase-42"]);
  log.error("request failed", { error: new Error("bad passphrase okx-passphrase-42"), detail: { p: "okx-passphrase-42" } });
  expect(lines).toEqual(['ERROR request failed error="bad passphrase ***" detail={"p":"***"}']);
});

test("lines below the level are dropped and each event is one line without colour off a TTY", () => {
  const { log, lines } = capture("warn", []);
  log.debug("d");
  log.info("i");
  log.warn("two\nlines");
  log.error("e");
  expect(lines).toEqual(["WARN  two ⏎ lines", "ERROR e"]);
  expect(lines.join("")).not.toContain("\x1b[");
});

test("a secret with a quote or backslash is redacted after the field is JSON-escaped", () => {
  const passphrase = 'pa"ss\\phrase 42';
  const { log, lines } = capture("info", [passphrase]);
  log.error("request failed", {
    error: new Error(`Invalid passphrase ${passphrase} for key K`),
    quoted: JSON.stringify(`said ${passphrase}`),
  });
  expect(lines).toEqual(['ERROR request failed error="Invalid passphrase *** for key K" quoted="\\"said ***\\""']);
});

test("a secret cut by a clip is redacted down to its first 6 characters in a log line", () => {
  const { log, lines } = capture("info", ["BYBKEYsecret0123456789"]);
  log.warn("platform failed", { error: new Error("api key BYBKEYsec… invalid") });
  expect(lines).toEqual(['WARN  platform failed error="api key ***… invalid"']);
});
