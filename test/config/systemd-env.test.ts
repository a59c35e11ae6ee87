import { describe, expect, test } from "bun:test";
import { type EnvFileReading, formatEnvFileProblems, parseEnvFile } from "../../src/config/systemd-env.ts";
import { ENV_FILE_CASES } from "./systemd-env-cases.ts";

const problemsOf = (reading: EnvFileReading) => reading.problems.map((p) => [p.line, p.kind, p.variable ?? ""].join(" ").trimEnd());
const sorted = (lines: readonly string[]) => [...lines].sort();

describe("reads an env file as systemd's EnvironmentFile= does", () => {
  for (const c of ENV_FILE_CASES) {
    test(c.name, () => {
      const reading = parseEnvFile(c.content, "pfbot.env");
      if (c.vars === null) {
        expect(reading.refused).toBe(true);
        expect({ ...reading.vars }).toEqual({});
      } else {
        expect(reading.refused).toBe(false);
        expect(Object.entries(reading.vars)).toEqual(Object.entries(c.vars));
      }
      expect(sorted(problemsOf(reading))).toEqual(sorted(c.problems));
    });
  }

  test("a variable named __proto__ is an ordinary variable", () => {
    const { vars } = parseEnvFile("__proto__=x\nconstructor=y\n", "pfbot.env");
    expect(Object.keys(vars)).toEqual(["__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(vars, "__proto__")?.value).toBe("x");
    expect(Object.getPrototypeOf(vars)).toBeNull();
  });

  test("a string and its UTF-8 bytes read the same", () => {
    const text = '\u{feff}A=1\nB="x y" # c\r\nexport C=3\nD=ключ\n';
    const fromString = parseEnvFile(text, "pfbot.env");
    const fromBytes = parseEnvFile(new TextEncoder().encode(text), "pfbot.env");
    expect(fromBytes).toEqual(fromString);
    expect({ ...fromBytes.vars }).toEqual({ B: "x y# c", D: "ключ" });
  });

  test("a typical pfbot env file has no problems", () => {
    const text = [
      "# Telegram",
      "TELEGRAM_BOT_TOKEN=123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ",
      "TELEGRAM_CHAT_ID=-1001234567890",
      "",
      "# OKX (read-only key)",
      "OKX_API_KEY=0a1b2c3d-4e5f-6789-abcd-ef0123456789",
      "OKX_API_SECRET=ABCDEF0123456789ABCDEF0123456789",
      "OKX_API_PASSPHRASE='Correct Horse #7 $pecial'",
      "TIMEZONE=Europe/Paris",
      "POLL_INTERVAL_MINUTES=120",
      "",
    ].join("\n");
    const reading = parseEnvFile(text, "/etc/pfbot/pfbot.env");
    expect(reading.problems).toEqual([]);
    expect(reading.vars.OKX_API_PASSPHRASE).toBe("Correct Horse #7 $pecial");
    expect(reading.vars.TELEGRAM_CHAT_ID).toBe("-1001234567890");
    expect(Object.keys(reading.vars)).toHaveLength(7);
  });
});

describe("problems", () => {
  test("are reported one per line as FILE:LINE: VARIABLE: message", () => {
    const text = "A=1\r\nexport B=2\r\nOKX_API_PASSPHRASE=Correct-Horse-7   # from OKX\r\nnot a setting\r\n";
    const lines = formatEnvFileProblems(parseEnvFile(text, "/etc/pfbot/pfbot.env"));
    expect(lines).toEqual([
      "/etc/pfbot/pfbot.env:2: B: systemd ignores a line that starts with 'export'; remove 'export '",
      "/etc/pfbot/pfbot.env:3: OKX_API_PASSPHRASE: systemd keeps everything after '=' in the value, including what looks like a '# …' comment; move the comment to its own line",
      "/etc/pfbot/pfbot.env:4: no '=' on this line, so systemd ignores it; write NAME=value, or start the line with # to make it a comment",
    ]);
  });

  test("come in line order and count a CRLF as one line break", () => {
    const text = 'A="open\r\nmore"\r\nB=$X\r\nB=2\r\n# c \\\nC=1\r\n';
    expect(problemsOf(parseEnvFile(text, "f"))).toEqual([
      "1 multiline-quote A",
      "3 expansion B",
      "4 duplicate B",
      "5 comment-continuation",
    ]);
  });

  test("an unclosed quote says how many lines it swallows", () => {
    const [problem] = parseEnvFile("X=1\nA='open\nB=2\nC=3\n", "f").problems;
    expect(problem?.line).toBe(2);
    expect(problem?.message).toContain("(2 more lines, whose settings are lost)");
  });

  test("a duplicate names the line systemd uses", () => {
    const messages = parseEnvFile("A=1\nA=2\nA=3\n", "f").problems.map((p) => `${p.line}: ${p.message}`);
    expect(messages).toEqual([
      "2: already set on line 1; systemd uses the last one (line 3): keep only one",
      "3: already set on line 1; systemd uses the last one (line 3): keep only one",
    ]);
  });

  test("an invalid name is shown only when it looks like a name", () => {
    const reading = parseEnvFile("BYBIT-KEY=1\nsk live 9f8e7d=2\n", "f");
    expect(reading.problems.map((p) => p.variable)).toEqual(["BYBIT-KEY", null]);
    expect(formatEnvFileProblems(reading).join("\n")).not.toContain("9f8e7d");
  });

  test("never hold any part of a value", () => {
    const secret = "Qz7Kp9wXr2";
    const file = [
      `A=${secret} # note`,
      `B="${secret}" # note`,
      `C=" ${secret} "`,
      `D="${secret}"tail`,
      `export E=${secret}`,
      `F=${secret}\\`,
      `${secret}`,
      `G=$${secret}`,
      `H="\\"${secret}"`,
      `I=a\\${secret}`,
      `J=\`${secret}\``,
      `K="${secret}\nL=${secret}"`,
      `M=${secret}\u{feff}`,
      `N=${secret}\rrest`,
      `O-P=${secret}`,
      `A=${secret}`,
      `Q="${secret}`,
    ].join("\n");
    const reading = parseEnvFile(file, "pfbot.env");
    const kinds = new Set(reading.problems.map((p) => p.kind));
    expect([...kinds].sort()).toEqual([
      "backtick",
      "bom",
      "comment-in-value",
      "duplicate",
      "escape",
      "expansion",
      "export",
      "invalid-name",
      "line-continuation",
      "multiline-quote",
      "no-equals",
      "quoted-whitespace",
      "stray-cr",
      "text-after-quote",
      "unterminated-quote",
    ]);
    expectNoPartOf(secret, formatEnvFileProblems(reading));

    const encode = (text: string) => [...new TextEncoder().encode(text)];
    const refused = parseEnvFile(Uint8Array.from([...encode(`A=${secret}`), 0xff, 0x0a, ...encode(`B=${secret}`), 0]), "pfbot.env");
    expect(refused.problems.map((p) => p.kind)).toEqual(["invalid-utf8", "nul-byte"]);
    expectNoPartOf(secret, formatEnvFileProblems(refused));
  });
});

function expectNoPartOf(secret: string, lines: readonly string[]): void {
  const output = lines.join("\n");
  for (let i = 0; i + 3 <= secret.length; i++) expect(output).not.toContain(secret.slice(i, i + 3));
}
