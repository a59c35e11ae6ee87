// The one fault vocabulary every fake shares (faults.ts).
import { describe, expect, test } from "bun:test";
import { createFaultList, delayOrHold, type Fault, frontAnswer, pathMatches } from "./faults.ts";

describe("which requests a fault selects", () => {
  test("a path selects that path; a bare name selects the last segment, in any case; none selects every request", () => {
    expect(pathMatches("/v5/asset/asset-overview", "/v5/asset/asset-overview")).toBe(true);
    expect(pathMatches("/v5/asset", "/v5/asset/asset-overview")).toBe(false);
    expect(pathMatches("GetPortfolio", "/rest/tinkoff.public.invest.api.contract.v1.OperationsService/GetPortfolio")).toBe(true);
    expect(pathMatches("sendMessage", "/bot123:abc/sendmessage")).toBe(true);
    expect(pathMatches("sendMessage", "/bot123:abc/sendMessageDraft")).toBe(false);
    expect(pathMatches(undefined, "/anything")).toBe(true);
  });

  test("`times` uses a fault up; without it a fault stays until removed; the first listed match wins", () => {
    const faults = createFaultList();
    const once: Fault = { path: "/a", status: 500, times: 1 };
    const always: Fault = { path: "/a", status: 503 };
    faults.add(once, always);
    expect(faults.take("/a")).toBe(once);
    expect(faults.take("/a")).toBe(always);
    expect(faults.take("/a")).toBe(always);
    expect(faults.take("/b")).toBeNull();
    expect(faults.active()).toEqual([always]);
    faults.remove(always);
    expect(faults.take("/a")).toBeNull();
  });
});

describe("how a fault answers", () => {
  test("a status alone is an HTML error page; a JSON body is served as JSON; a code leaves the answer to the service", async () => {
    const page = frontAnswer({ status: 502 })!;
    expect(page.status).toBe(502);
    expect(page.headers.get("content-type")).toStartWith("text/html");
    expect(await page.text()).toContain("502 Bad Gateway");
    const json = frontAnswer({ body: '{"retCode":0,"result":' })!;
    expect([json.status, json.headers.get("content-type")]).toEqual([200, "application/json"]);
    expect(frontAnswer({ code: 10001, status: 200 })).toBeNull();
    expect(frontAnswer({ delayMs: 5 })).toBeNull();
  });

  test("a hang holds the request until the fault is removed, then answers 502 as a proxy giving up", async () => {
    const faults = createFaultList();
    const hang: Fault = { hang: true };
    faults.add(hang);
    let answered: Response | null = null;
    const held = delayOrHold(faults, faults.take("/x")).then((response) => (answered = response));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBeNull();
    faults.clear();
    await held;
    expect(answered!.status).toBe(502);
  });
});
