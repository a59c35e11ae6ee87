// Command-line arguments → a mode. Kept free of heavy imports: main.ts answers --help and
// --version from here without loading the rest of pfbot (the registry is plain data: it loads no platform code).
import { PLATFORMS } from "../platforms/registry.ts";

export type Mode =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "bot" }
  | { readonly kind: "snapshot"; readonly send: boolean; readonly json: boolean }
  | { readonly kind: "check" }
  | { readonly kind: "history" }
  | { readonly kind: "import"; readonly file: string; readonly overwrite: boolean }
  | { readonly kind: "export"; readonly file: string | null; readonly format: ExportFormat }
  | { readonly kind: "chart"; readonly file: string; readonly days: number | "all"; readonly currency: "USD" | "RUB" }
  | { readonly kind: "allocation"; readonly file: string; readonly view: "platform" | "kind"; readonly currency: "USD" | "RUB" };

/** --export's format: the original bot's JSON, or pfbot's CSV for spreadsheets ("csv") or for scripts ("csv-plain"). */
type ExportFormat = "json" | "csv" | "csv-plain";

export interface CliArgs {
  readonly mode: Mode;
  readonly envFile: string | null;
}

export type ParseResult = { readonly ok: true; readonly args: CliArgs } | { readonly ok: false; readonly error: string };

const NAMES = PLATFORMS.map((descriptor) => descriptor.name);

export const USAGE = `Usage: pfbot [mode] [--env-file PATH]

Reports what you own on ${NAMES.slice(0, -1).join(", ")} and ${NAMES.at(-1)}, in USD and RUB,
to your Telegram chat.

Modes (none: run the Telegram bot with its schedule):
  --once               take one snapshot, send it to TELEGRAM_CHAT_ID, record it in the history
  --dry-run            take one snapshot and print it; send and record nothing
  --json               take one snapshot and print it as one JSON object (implies --dry-run)
  --check              check the configuration, each platform's key (and that it is read-only) and Telegram
  --history            print the last 30 days of the history
  --export [FILE]      write the history (to FILE, or stdout) as portfolio_history.json, or as CSV
                       when FILE ends in .csv
      --format json|csv|csv-plain   the format, whatever FILE's name: csv opens in a spreadsheet
                       (UTF-8 with BOM, ";", decimal comma); csv-plain is RFC 4180 for scripts
  --import FILE        add a portfolio_history.json file, or a CSV --export wrote, to the history
      --overwrite      with --import: let imported days replace days recorded by the bot
  --chart FILE.png     draw the portfolio value over time as a PNG (what /chart sends)
      --days N         the last N days up to today (2-36500, or all; default 30)
      --currency usd|rub   in USD (default) or RUB; also for --allocation
  --allocation FILE.png  draw the latest complete snapshot's allocation as a PNG (what /allocation sends)
      --by platform|kind   one slice per platform or account (default), or per kind

Options:
  --env-file PATH      read settings from PATH instead of ./.env (the process environment wins)
  -h, --help           show this help
  -V, --version        print the version

Configuration: environment variables, or the env file (./.env, or --env-file PATH), read as
systemd's EnvironmentFile= reads it. Every variable, with its default and meaning, is in the
"Configuration" table of README.md, and in the template .env.example.

Exit status: 0 ok, 1 the work failed in whole or in part (no platform answered, a check failed,
a message was not delivered, or it was delivered but the history could not record it; nothing to draw),
2 usage or configuration error.`;

/** Parses argv (without the executable and script). */
export function parseArgs(argv: readonly string[]): ParseResult {
  let envFile: string | null = null;
  const flags = new Set<string>();
  let importFile: string | null = null;
  let exportFile: string | null = null;
  let format: ExportFormat | null = null;
  const chart: ChartOptions = { file: null, days: null, currency: null, view: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [name, inline] =
      arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, null];
    const takeValue = (): string | null => {
      if (inline !== null) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("-")) return null;
      i += 1;
      return next;
    };
    switch (name) {
      case "-h":
      case "--help":
        return { ok: true, args: { mode: { kind: "help" }, envFile } };
      case "-V":
      case "--version":
        flags.add("version");
        break;
      case "--env-file": {
        const value = takeValue();
        if (!value) return { ok: false, error: "--env-file needs a path" };
        envFile = value;
        break;
      }
      case "--import": {
        const value = takeValue();
        if (!value) return { ok: false, error: "--import needs a file" };
        importFile = value;
        flags.add("import");
        break;
      }
      case "--export": {
        const next = inline ?? argv[i + 1];
        if (next !== undefined && !next.startsWith("-")) {
          exportFile = next;
          if (inline === null) i += 1;
        }
        flags.add("export");
        break;
      }
      case "--format": {
        const value = takeValue()?.toLowerCase();
        if (value !== "json" && value !== "csv" && value !== "csv-plain")
          return { ok: false, error: "--format needs json, csv or csv-plain" };
        format = value;
        flags.add("format");
        break;
      }
      case "--chart":
      case "--allocation": {
        const value = takeValue();
        if (!value) return { ok: false, error: `${name} needs a file to write the PNG to` };
        chart.file = value;
        flags.add(name.slice(2));
        break;
      }
      case "--days": {
        const value = takeValue()?.toLowerCase();
        const days = value === "all" ? "all" : value && /^\d{1,5}$/.test(value) ? Number(value) : null;
        if (days === null || (days !== "all" && (days < 2 || days > MAX_DAYS)))
          return { ok: false, error: `--days needs a number of days from 2 to ${MAX_DAYS}, or all` };
        chart.days = days;
        break;
      }
      case "--currency": {
        const value = takeValue()?.toUpperCase();
        if (value !== "USD" && value !== "RUB") return { ok: false, error: "--currency needs usd or rub" };
        chart.currency = value;
        break;
      }
      case "--by": {
        const value = takeValue()?.toLowerCase();
        if (value !== "platform" && value !== "kind") return { ok: false, error: "--by needs platform or kind" };
        chart.view = value;
        break;
      }
      case "--once":
      case "--dry-run":
      case "--json":
      case "--check":
      case "--history":
      case "--overwrite":
        if (inline !== null) return { ok: false, error: `${name} takes no value` };
        flags.add(name.slice(2));
        break;
      default:
        return { ok: false, error: `unknown argument: ${arg}` };
    }
  }
  const exportFormat = format ?? (exportFile?.toLowerCase().endsWith(".csv") ? "csv" : "json");
  return pickMode(flags, importFile, { file: exportFile, format: exportFormat }, chart, envFile);
}

/** The most days --days takes: 100 years (render/chart/history-chart.ts draws any span). */
const MAX_DAYS = 36_500;

interface ChartOptions {
  file: string | null;
  days: number | "all" | null;
  currency: "USD" | "RUB" | null;
  view: "platform" | "kind" | null;
}

function pickMode(
  flags: Set<string>,
  importFile: string | null,
  exported: { readonly file: string | null; readonly format: ExportFormat },
  chart: ChartOptions,
  envFile: string | null,
): ParseResult {
  if (flags.has("version")) return { ok: true, args: { mode: { kind: "version" }, envFile } };
  if (flags.has("overwrite") && !flags.has("import")) return { ok: false, error: "--overwrite goes with --import" };
  if (flags.has("format") && !flags.has("export")) return { ok: false, error: "--format goes with --export" };
  if (chart.days !== null && !flags.has("chart")) return { ok: false, error: "--days goes with --chart" };
  if (chart.view !== null && !flags.has("allocation")) return { ok: false, error: "--by goes with --allocation" };
  if (chart.currency !== null && !flags.has("chart") && !flags.has("allocation"))
    return { ok: false, error: "--currency goes with --chart or --allocation" };
  const groups = [
    flags.has("once") || flags.has("dry-run") || flags.has("json") ? "snapshot" : null,
    flags.has("check") ? "--check" : null,
    flags.has("history") ? "--history" : null,
    flags.has("import") ? "--import" : null,
    flags.has("export") ? "--export" : null,
    flags.has("chart") ? "--chart" : null,
    flags.has("allocation") ? "--allocation" : null,
  ].filter((g): g is string => g !== null);
  if (groups.length > 1) return { ok: false, error: `choose one mode, not ${groups.join(" and ")}` };
  const currency = chart.currency ?? "USD";
  if (chart.file !== null && flags.has("chart"))
    return { ok: true, args: { mode: { kind: "chart", file: chart.file, days: chart.days ?? 30, currency }, envFile } };
  if (chart.file !== null && flags.has("allocation"))
    return { ok: true, args: { mode: { kind: "allocation", file: chart.file, view: chart.view ?? "platform", currency }, envFile } };
  const mode: Mode = flags.has("check")
    ? { kind: "check" }
    : flags.has("history")
      ? { kind: "history" }
      : importFile !== null
        ? { kind: "import", file: importFile, overwrite: flags.has("overwrite") }
        : flags.has("export")
          ? { kind: "export", ...exported }
          : groups.length === 1
            ? { kind: "snapshot", send: !flags.has("dry-run") && !flags.has("json"), json: flags.has("json") }
            : { kind: "bot" };
  return { ok: true, args: { mode, envFile } };
}
