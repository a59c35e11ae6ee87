import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/errors.ts";
import { FxError } from "../../src/fx/errors.ts";
import { HistoryError } from "../../src/history/errors.ts";
import { errorCode, errorMessage, PfbotError } from "../../src/lib/errors.ts";
import { PlatformError } from "../../src/platforms/types.ts";
import { ChartError } from "../../src/render/chart/errors.ts";

describe("errorMessage", () => {
  test("an Error gives its message, without the class name", () => {
    expect(errorMessage(new Error("disk full"))).toBe("disk full");
    expect(errorMessage(new TypeError("x is not a function"))).toBe("x is not a function");
    expect(errorMessage(new HistoryError("the history is damaged"))).toBe("the history is damaged");
  });

  test("an error-like object (a worker's ErrorEvent, a DOMException from another realm) gives its message", () => {
    expect(errorMessage({ message: "worker crashed", filename: "worker.ts" })).toBe("worker crashed");
  });

  test("anything else thrown is shown as text", () => {
    expect(errorMessage("plain string")).toBe("plain string");
    expect(errorMessage(42)).toBe("42");
    expect(errorMessage(undefined)).toBe("undefined");
    expect(errorMessage(null)).toBe("null");
    expect(errorMessage({ message: 7 })).toBe("[object Object]");
    expect(errorMessage(Symbol("stop"))).toBe("Symbol(stop)");
  });

  test("never throws, even for a value that cannot be turned into text", () => {
    const hostile = {
      toString() {
        throw new Error("no");
      },
    };
    expect(errorMessage(hostile)).toBe("an error that cannot be shown as text");
    expect(errorMessage(Object.create(null))).toBe("an error that cannot be shown as text");
  });
});

describe("errorCode", () => {
  test("reads a system error's code, as text", () => {
    expect(errorCode(Object.assign(new Error("no such file"), { code: "ENOENT" }))).toBe("ENOENT");
    expect(errorCode({ code: 5 })).toBe("5");
  });

  test("is undefined without a code", () => {
    expect(errorCode(new Error("plain"))).toBeUndefined();
    expect(errorCode("ENOENT")).toBeUndefined();
    expect(errorCode({ code: { nested: true } })).toBeUndefined();
  });
});

describe("the error hierarchy", () => {
  const cause = new Error("lower level");
  const cases: [string, PfbotError][] = [
    ["PfbotError", new PfbotError("base", { cause })],
    ["ConfigError", new ConfigError("set TELEGRAM_BOT_TOKEN", { cause })],
    ["FxError", new FxError("no USD rate", { cause })],
    ["HistoryError", new HistoryError("restore a backup", { cause })],
    ["PlatformError", new PlatformError("tbank", "unavailable", "try again later", undefined, undefined, { cause })],
    ["ChartError", new ChartError("render-failed", "could not render", { cause })],
  ];

  for (const [name, error] of cases) {
    test(`${name} is a PfbotError and an Error, named ${name}, that keeps its cause`, () => {
      expect(error).toBeInstanceOf(PfbotError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.cause).toBe(cause);
      expect(String(error)).toStartWith(`${name}: `);
    });
  }

  test("the concerns stay apart: one subclass is not another", () => {
    const config = new ConfigError("x");
    expect(config).not.toBeInstanceOf(HistoryError);
    expect(config).not.toBeInstanceOf(PlatformError);
    expect(new FxError("x")).not.toBeInstanceOf(ConfigError);
  });

  test("without a cause, none is set", () => {
    expect(new HistoryError("x").cause).toBeUndefined();
    expect("cause" in new PlatformError("okx", "auth", "x")).toBe(false);
  });

  test("PlatformError keeps its platform, kind, code and wait next to the cause", () => {
    const error = new PlatformError("bybit", "rate-limit", "wait", 10006, 5_000, { cause });
    expect([error.platform, error.kind, error.code, error.retryAfterMs, error.cause]).toEqual(["bybit", "rate-limit", 10006, 5_000, cause]);
  });
});
