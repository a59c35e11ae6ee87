/**
 * An account id as a message shows it: its letters, then "•••" and its last 4 characters ("U1234567" → "U•••4567",
 * "DU7654321" → "DU•••4321"), enough to tell accounts apart without putting the whole id on a lock screen.
 */
export function maskAccountId(id: string): string {
  const prefix = /^[A-Za-z]*/.exec(id)?.[0] ?? "";
  const rest = id.slice(prefix.length);
  return rest.length > 4 ? `${prefix}•••${rest.slice(-4)}` : id;
}
