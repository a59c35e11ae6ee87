// --check: the configuration is valid (app.ts already made sure), then for each enabled platform whether it
// is reachable, the credentials work and the key can only read, and the platform's coverage: the balance is
// read as a report reads it, and a key that sees less than the whole account (a partial figure) is a problem;
// the env file's permissions; and Telegram (the token, and that the bot can post to the owner's chat).
// Exit 0 all good, 1 a problem found.
import { statSync } from "node:fs";
import { daysLeft, warningDay } from "../../alerts/expiry.ts";
import { type CallBounds, CHAT_REFUSED_HINT, createTelegramApi, TelegramUnreachableError } from "../../bot/telegram.ts";
import type { Config } from "../../config/config.ts";
import { ENV_FILE_ADVICE } from "../../config/env-source.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { Redact } from "../../lib/redact.ts";
import { formatZoned } from "../../lib/zoned-format.ts";
import { platformDeadlineMs, platformName } from "../../platforms/registry.ts";
import { type KeyAudit, type PlatformClient, PlatformError, type PlatformId } from "../../platforms/types.ts";
import { keyVariables } from "../../render/alerts.ts";
import { failedRow, type PlatformRow, rowOf, withDeadline } from "../../snapshot/snapshot.ts";
import type { AppContext } from "../run.ts";
import { createSnapshotTaker } from "../wiring.ts";

export type CheckStatus = "ok" | "warn" | "fail";
export interface CheckLine {
  readonly status: CheckStatus;
  readonly text: string;
}

export async function runCheckMode(context: AppContext): Promise<number> {
  const { config, log } = context;
  const { clients } = await createSnapshotTaker(config, log, context.version, context.clock);
  const [platforms, telegram] = await Promise.all([
    Promise.all(
      clients.map((client) =>
        checkPlatform(client, platformDeadlineMs(config, client.id), { now: context.clock.now(), timeZone: config.timeZone }),
      ),
    ),
    checkTelegram(config, { totalMs: config.telegramTimeoutSeconds * 1000, clock: context.clock }, log.redact),
  ]);
  const leaks = [...config.leakySettings, ...config.lookalikes].map((text): CheckLine => ({ status: "warn", text }));
  const lines = [...envFileLines(config), ...leaks, ...platforms.flat(), telegram];
  for (const line of lines) context.out(renderLine(line));
  const problems = lines.filter((line) => line.status !== "ok").length;
  context.out(problems === 0 ? "All good." : `${problems} problem${problems === 1 ? "" : "s"} found.`);
  if (config.envFileProblems.length > 0) context.out(ENV_FILE_ADVICE);
  return problems === 0 ? 0 : 1;
}

/** Pure: what one platform's key audit means for the user. */
export function auditLine(id: PlatformId, audit: KeyAudit): CheckLine {
  const name = platformName(id);
  const notes = audit.notes.length > 0 ? ` (${audit.notes.join("; ")})` : "";
  if (audit.readOnly) return { status: "ok", text: `${name}: reachable, credentials accepted, read-only${notes}` };
  const perms = audit.permissions.length > 0 ? audit.permissions.join(", ") : "unknown";
  return {
    status: "warn",
    text: `${name}: credentials accepted but the key is NOT read-only (permissions: ${perms}). A leaked key could trade or withdraw: create a read-only key and replace the old one${notes}`,
  };
}

/**
 * Pure: when the key expires, as the platform reports it (KeyAudit.expiresAt), or that it does not say. Within 14
 * days (the bot's first warning) it is a problem; once past, a failure.
 */
export function expiryLine(id: PlatformId, audit: KeyAudit, now: number, timeZone: string): CheckLine {
  const name = platformName(id);
  if (audit.expiresAt === null)
    return { status: "ok", text: `${name}: expiry not reported by ${name}${audit.expiryNote ? ` (${audit.expiryNote})` : ""}` };
  const at = new Date(audit.expiresAt);
  const when = `${formatZoned(at, timeZone, "d MMM yyyy, HH:mm")} (${timeZone})`;
  const left = daysLeft(at, now);
  const replace = `create a new read-only key, put it in ${keyVariables(id)}, and restart pfbot`;
  if (left < 0) return { status: "fail", text: `${name}: the key expired on ${when}: ${replace}` };
  if (warningDay(left) !== null) {
    const inDays = left === 0 ? "within a day" : `in ${left} day${left === 1 ? "" : "s"}`;
    return { status: "warn", text: `${name}: the key expires ${inDays}, on ${when}: ${replace}` };
  }
  return { status: "ok", text: `${name}: key expires on ${when}, in ${left} days (${audit.expiryNote ?? "reported by the platform"})` };
}

/**
 * Pure: what one platform's figure covers, as the report would show it. A partial figure names what it leaves out in
 * the report's words; it is a problem, since the key sees less than the whole account.
 */
export function coverageLine(row: PlatformRow): CheckLine {
  const name = platformName(row.id);
  switch (row.coverage) {
    case "complete":
      return { status: "ok", text: `${name}: coverage complete, the whole account is valued (${row.source ?? "no source"})` };
    case "partial":
      return { status: "warn", text: `${name}: coverage partial, ${row.leftOut.join("; ")}` };
    case "failed":
      return { status: "fail", text: `${name}: coverage failed, no value: ${unnamed(name, row.error ?? "unknown error")}` };
  }
}

/** A message without the "<name>: " it may lead with ("T-Bank: no open account…"): the line names the platform once. */
function unnamed(name: string, text: string): string {
  return text.startsWith(`${name}: `) ? text.slice(name.length + 2) : text;
}

/** Pure: an env file readable by group or others leaks every key on the machine. */
export function envFileModeLine(path: string, mode: number): CheckLine {
  const octal = (mode & 0o777).toString(8).padStart(3, "0");
  if ((mode & 0o077) === 0) return { status: "ok", text: `env file ${path}: permissions ${octal}` };
  return { status: "warn", text: `env file ${path} is readable by group or others (permissions ${octal}): run chmod 600 ${path}` };
}

export function renderLine(line: CheckLine): string {
  const mark = line.status === "ok" ? "ok  " : line.status === "warn" ? "WARN" : "FAIL";
  return `[${mark}] ${line.text}`;
}

/**
 * The platform's audit line, its key's expiry, then its coverage line (left out when the audit failed and the balance
 * did too: the audit's line already says why). The balance comes first and each step has the platform's whole deadline: a client
 * whose audit request is part of reading the balance (IBKR's SendRequest) then answers the audit from what it just
 * read, rather than spend its rate limit asking again.
 */
async function checkPlatform(
  client: PlatformClient,
  deadlineMs: number,
  at: { readonly now: number; readonly timeZone: string },
): Promise<CheckLine[]> {
  // No rate is read here: the coverage is about the platform's own figure.
  const row = await withDeadline(deadlineMs, (signal) => client.fetchBalance(signal), client.id).then(
    (balance) => rowOf(balance, null, 0),
    (error: unknown) => failedRow(client.id, error, 0),
  );
  const audit = await auditOne(client, deadlineMs);
  if (audit.key === null) return row.coverage === "failed" ? [audit.line] : [audit.line, coverageLine(row)];
  return [audit.line, expiryLine(client.id, audit.key, at.now, at.timeZone), coverageLine(row)];
}

async function auditOne(client: PlatformClient, deadlineMs: number): Promise<{ line: CheckLine; key: KeyAudit | null }> {
  try {
    const key = await withDeadline(deadlineMs, (signal) => client.auditKey(signal), client.id);
    return { line: auditLine(client.id, key), key };
  } catch (error) {
    const text =
      error instanceof PlatformError ? error.message : `${platformName(client.id)} check failed unexpectedly: ${errorMessage(error)}`;
    return { line: { status: "fail", text: `${platformName(client.id)}: ${unnamed(platformName(client.id), text)}` }, key: null };
  }
}

/** The env file's permissions, and every line of it that systemd reads differently from a shell or dotenv. */
function envFileLines(config: Config): CheckLine[] {
  if (!config.envFile) return config.envFileNote === null ? [] : [{ status: "ok", text: config.envFileNote }];
  const problems = config.envFileProblems.map((text): CheckLine => ({ status: "fail", text }));
  return [envFileModeLine(config.envFile, statSync(config.envFile).mode), ...problems];
}

async function checkTelegram(config: Config, bounds: CallBounds, redact: Redact): Promise<CheckLine> {
  if (!config.telegram) {
    return { status: "fail", text: "Telegram: not configured: set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID (the bot and --once need them)" };
  }
  const api = createTelegramApi(config.telegram, bounds, redact);
  let botName: string;
  try {
    botName = (await api.getMe()).username;
  } catch (error) {
    if (error instanceof TelegramUnreachableError) return { status: "fail", text: `Telegram: unreachable: ${errorMessage(error)}` };
    return {
      status: "fail",
      text: `Telegram: the bot token was rejected or Telegram is unreachable (${errorMessage(error)}): check TELEGRAM_BOT_TOKEN`,
    };
  }
  try {
    // A chat action proves the bot may post there without leaving a message behind.
    await api.sendChatAction(config.telegram.chatId, "typing");
    return { status: "ok", text: `Telegram: bot @${botName} can post to chat ${config.telegram.chatId}` };
  } catch (error) {
    if (error instanceof TelegramUnreachableError) return { status: "fail", text: `Telegram: unreachable: ${errorMessage(error)}` };
    return {
      status: "fail",
      text: `Telegram: bot @${botName} cannot post to chat ${config.telegram.chatId} (${errorMessage(error)}): ${CHAT_REFUSED_HINT}`,
    };
  }
}
