// Variables that look like pfbot's but are not one of them (`TBANK_TOKEN`, `BYBIT_KEY`, `TELEGRAM_TOKEN`):
// pfbot never reads them, so the platform the user meant stays off, or a setting keeps its default,
// without a word. Each gets a warning naming the variable pfbot reads instead. Pure: the names known
// come from the caller (config.ts: its own settings and the registry's), so a new platform is covered
// by its registry entry.

/**
 * One warning per name in `names` that is not in `known` but looks like one of them: the same letters
 * without the underscores or in another case, a typo (at most 2 edits), or a name that starts with the
 * first word of several known names (BYBIT_…, TELEGRAM_…) and shares another word with one of them.
 * Other names (PATH, HOME, LISTEN_PID, …) are none of pfbot's business and are left alone.
 */
export function lookalikeWarnings(names: Iterable<string>, known: readonly string[]): string[] {
  const knownSet = new Set(known);
  const families = familiesOf(known);
  const warnings: string[] = [];
  for (const name of names) {
    if (knownSet.has(name)) continue;
    const suggestion = suggestFor(name, known, families);
    if (suggestion !== null)
      warnings.push(`${name} is not a variable pfbot reads, so it is ignored: did you mean ${suggestion}? Rename it`);
  }
  return warnings;
}

/** The known name `name` most likely stands for, or null. */
function suggestFor(name: string, known: readonly string[], families: ReadonlyMap<string, readonly string[]>): string | null {
  const upper = name.toUpperCase();
  const squashed = squash(name);
  const same = known.find((candidate) => squash(candidate) === squashed);
  if (same !== undefined) return same;
  const family = families.get(firstWord(upper));
  if (family !== undefined) {
    const words = new Set(upper.split("_").slice(1));
    const scored = family
      .map((candidate) => ({
        candidate,
        shared: candidate
          .split("_")
          .slice(1)
          .filter((word) => words.has(word)).length,
        distance: editDistance(upper, candidate),
      }))
      .filter((s) => s.shared > 0 || s.distance <= 2)
      .sort((a, b) => b.shared - a.shared || a.distance - b.distance);
    // A family name that shares no word and is no typo (LISTEN_PID, set by systemd) is someone else's.
    return scored[0]?.candidate ?? null;
  }
  // A typo of a name of its own (TIMEZONES, POLL_INTERVAL_MINUTE): short names are too easy to hit by chance.
  if (upper.length < 6) return null;
  const typo = known
    .map((candidate) => ({ candidate, distance: editDistance(upper, candidate) }))
    .filter((s) => s.distance <= 2)
    .sort((a, b) => a.distance - b.distance)[0];
  return typo?.candidate ?? null;
}

/** Known names grouped by first word, for the words that start at least two of them (BYBIT, TELEGRAM, WINDOW). */
function familiesOf(known: readonly string[]): Map<string, readonly string[]> {
  const groups = new Map<string, string[]>();
  for (const name of known) {
    if (!name.includes("_")) continue;
    const word = firstWord(name);
    groups.set(word, [...(groups.get(word) ?? []), name]);
  }
  return new Map([...groups].filter(([, names]) => names.length >= 2));
}

const firstWord = (name: string) => name.split("_")[0] ?? name;
const squash = (name: string) => name.toUpperCase().replace(/_/g, "");

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
