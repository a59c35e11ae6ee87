// Where the idle memory goes: tiny binaries built with the product's flags that only import one
// dependency and then wait (a timer, like the bot's event loop at rest). Their RSS minus the bare
// runtime's is what importing that dependency costs a resting process.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBinary } from "../scripts/build.ts";
import { procStatus, round } from "./measure.ts";

export interface ProbeResult {
  readonly name: string;
  readonly imports: string;
  readonly jit: boolean;
  readonly rssMiB: number;
  readonly rssAnonMiB: number | null;
  readonly rssFileMiB: number | null;
}

const PROBES: readonly { readonly name: string; readonly imports: string; readonly source: string }[] = [
  { name: "runtime", imports: "nothing", source: "" },
  {
    name: "arktype",
    imports: "arktype (one object schema validated once)",
    source: `import { type } from "arktype";\nconst T = type({ A: "string", "B?": "string.integer.parse" });\nconsole.log(T({ A: "x", B: "1" }) instanceof type.errors);\n`,
  },
  {
    name: "grammy",
    imports: "grammy + @grammyjs/auto-retry (a Bot created, not started)",
    source: `import { Bot } from "grammy";\nimport { autoRetry } from "@grammyjs/auto-retry";\nconst bot = new Bot("1:x");\nbot.api.config.use(autoRetry());\nconsole.log(typeof bot.start);\n`,
  },
];

/** Builds each probe inside the repository (so node_modules resolves), runs it with and without the JIT, reads VmRSS after `seconds`. */
export async function measureProbes(root: string, seconds: number): Promise<ProbeResult[]> {
  const dir = mkdtempSync(join(root, "bench", ".probes-"));
  try {
    const binaries = new Map<string, string>();
    for (const probe of PROBES) {
      const entry = join(dir, `${probe.name}.ts`);
      writeFileSync(entry, `${probe.source}setInterval(() => {}, 60_000);\n`);
      const out = join(dir, probe.name);
      binaries.set(probe.name, await buildBinary({ outfile: out, entryPoints: [entry] }));
    }
    const runs = PROBES.flatMap((probe) => [true, false].map((jit) => ({ probe, jit })));
    return await Promise.all(
      runs.map(async ({ probe, jit }) => {
        const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...(jit ? {} : { BUN_JSC_useJIT: "0" }) };
        const child = Bun.spawn([binaries.get(probe.name)!], { cwd: dir, env, stdout: "ignore", stderr: "pipe", stdin: "ignore" });
        try {
          await Bun.sleep(seconds * 1000);
          const status = procStatus(child.pid);
          if (!status) throw new Error(`probe ${probe.name} exited early: ${await new Response(child.stderr).text()}`);
          const mib = (kib: number | undefined) => (kib === undefined ? null : round(kib / 1024, 1));
          return {
            name: probe.name,
            imports: probe.imports,
            jit,
            rssMiB: mib(status.VmRSS) ?? 0,
            rssAnonMiB: mib(status.RssAnon),
            rssFileMiB: mib(status.RssFile),
          };
        } finally {
          child.kill("SIGKILL");
          await child.exited;
        }
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
