import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { createTbankClient } from "../../../src/platforms/tbank/client.ts";
import { TBANK_EMBEDDED_CA_PEMS, tbankCaBundle } from "../../../src/platforms/tbank/tls.ts";
import { type FetchFn, PlatformError } from "../../../src/platforms/types.ts";
import { realisticTbankAccounts, startTbankFake, startTlsFront, TBANK_FAKE_TOKEN, type TbankFake } from "../../fakes/tbank.ts";

// Published SHA-256 fingerprints (Gosuslugi TLS page; reference/certs/README.md).
const ROOT_FINGERPRINT = "D2:6D:2D:02:31:B7:C3:9F:92:CC:73:85:12:BA:54:10:35:19:E4:40:5D:68:B5:BD:70:3E:97:88:CA:8E:CF:31";
const SUB_2024_FINGERPRINT = "21:55:78:50:36:C9:00:DB:B5:F1:BB:2A:15:69:C8:0C:55:59:5B:D6:BF:94:86:7A:29:BB:DD:BC:7D:88:A3:F2";

describe("embedded Russian Trusted CAs", () => {
  test("parse as certificates and match the published fingerprints", () => {
    const [root, sub] = TBANK_EMBEDDED_CA_PEMS.map((pem) => new X509Certificate(pem));
    expect(root?.fingerprint256).toBe(ROOT_FINGERPRINT);
    expect(root?.subject).toContain("CN=Russian Trusted Root CA");
    expect(root?.ca).toBe(true);
    expect(sub?.fingerprint256).toBe(SUB_2024_FINGERPRINT);
    expect(sub?.subject).toContain("CN=Russian Trusted Sub CA");
    expect(root && sub?.checkIssued(root)).toBe(true);
  });

  test("are added to Bun's default roots, never replacing them, plus TBANK_CA_FILE's PEM", () => {
    const extra = TBANK_EMBEDDED_CA_PEMS[0] ?? "";
    const bundle = tbankCaBundle([extra]);
    expect(bundle.length).toBe(rootCertificates.length + 3);
    expect(bundle.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    expect(bundle.slice(rootCertificates.length, -1)).toEqual([...TBANK_EMBEDDED_CA_PEMS]);
  });

  test("a TBANK_CA_FILE without a readable certificate is a config error naming it", () => {
    for (const bad of ["not a pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"]) {
      expect(() => tbankCaBundle([bad])).toThrow(PlatformError);
      expect(() => tbankCaBundle([bad])).toThrow(/TBANK_CA_FILE/);
    }
  });
});

// A throwaway root → intermediate → 127.0.0.1 chain, like T-Bank's: the server sends only its own
// certificate, so the client must know the intermediate too.
const haveOpenssl = Bun.which("openssl") !== null;
let dir = "";
let chain: { rootPem: string; subPem: string; leafPem: string; leafKey: string } | undefined;
let fake: TbankFake | undefined;
let front: { url: string; stop(): Promise<void> } | undefined;

beforeAll(async () => {
  if (!haveOpenssl) return;
  dir = await mkdtemp(join(tmpdir(), "pfbot-tbank-tls-"));
  makeChain(dir);
  const read = (name: string) => readFile(join(dir, name), "utf8");
  chain = {
    rootPem: await read("root.pem"),
    subPem: await read("sub.pem"),
    leafPem: await read("leaf.pem"),
    leafKey: await read("leaf.key"),
  };
  fake = await startTbankFake({ token: TBANK_FAKE_TOKEN, accounts: realisticTbankAccounts() });
  front = await startTlsFront(fake.url, { key: chain.leafKey, cert: chain.leafPem });
});

afterAll(async () => {
  await front?.stop();
  await fake?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveOpenssl)("T-Bank over HTTPS with a private CA", () => {
  function client(extraCaPem?: readonly string[], seen?: (ca: unknown) => void) {
    const spy: FetchFn = (input, init) => {
      seen?.((init as { tls?: { ca?: unknown } } | undefined)?.tls?.ca);
      return fetch(input, init);
    };
    return createTbankClient({
      baseUrl: `${front?.url}/rest`,
      fetch: spy,
      now: () => Date.now(),
      sleep: async () => {},
      timeoutMs: 5_000,
      token: TBANK_FAKE_TOKEN,
      extraCaPem,
    });
  }

  test("fails verification without the extra CA, with a hint to set TBANK_CA_FILE", async () => {
    const error = await client()
      .accountAccess(new AbortController().signal)
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ kind: "unavailable" });
    expect(String((error as Error).message)).toMatch(/certificate.*TBANK_CA_FILE/);
  });

  test("succeeds with the CA chain given as extraCaPem (one PEM file holding both certificates)", async () => {
    const cas: unknown[] = [];
    const balance = await client([`${chain?.rootPem}${chain?.subPem}`], (ca) => cas.push(ca)).fetchBalance(new AbortController().signal);
    expect(balance.holdings).toHaveLength(3);
    // Every request carried the default roots, the embedded CAs and the extra PEM.
    expect(cas.length).toBeGreaterThan(1);
    for (const ca of cas) expect(Array.isArray(ca) && ca.length === rootCertificates.length + 3).toBe(true);
  });

  test("the root alone is not enough when the server omits the intermediate", async () => {
    const error = await client([chain?.rootPem ?? ""])
      .accountAccess(new AbortController().signal)
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({ kind: "unavailable" });
  });
});

function makeChain(into: string): void {
  const run = (...args: string[]) => {
    const result = Bun.spawnSync(["openssl", ...args], { cwd: into, stderr: "pipe" });
    if (result.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.toString()}`);
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  writeFileSync(join(into, "ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
  writeFileSync(join(into, "leaf.ext"), "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  run(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "root.key",
    "-out",
    "root.pem",
    "-days",
    "2",
    "-subj",
    "/CN=pfbot test root",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  run("req", ...ec, "-keyout", "sub.key", "-out", "sub.csr", "-subj", "/CN=pfbot test sub");
  run(
    "x509",
    "-req",
    "-in",
    "sub.csr",
    "-CA",
    "root.pem",
    "-CAkey",
    "root.key",
    "-CAcreateserial",
    "-out",
    "sub.pem",
    "-days",
    "2",
    "-extfile",
    "ca.ext",
  );
  run("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1");
  run(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "sub.pem",
    "-CAkey",
    "sub.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
  );
}
