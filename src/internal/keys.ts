/**
Unknown keys in an options object are refused, with a suggestion: a misspelt option
(`callBackURL`, `pollIntervall`) would otherwise be ignored without a word, which is the
costliest kind of mistake (stripe-node checks its config keys the same way).
*/
import { InvalidArgumentError } from '../errors.js';

/** Throws `InvalidArgumentError` naming the first key of `value` that `known` lacks. */
export function checkKeys(where: string, value: object, known: readonly string[]): void {
  for (const key in value) {
    if (!Object.hasOwn(value, key) || known.includes(key)) continue;
    const guess = closest(key, known);
    throw new InvalidArgumentError(
      `${where} has an unknown option \`${key.slice(0, 60)}\`${
        guess ? `: did you mean \`${guess}\`?` : ''
      } (known: ${known.join(', ')})`,
    );
  }
}

/** The known key nearest to `key`, when it is near enough to be a typo. */
function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const name = candidate.toLowerCase();
    // A name shortened or lengthened (`retry` for `retries`) is as likely as a typo: a long
    // enough shared beginning wins outright.
    let shared = 0;
    while (shared < name.length && name[shared] === lower[shared]) shared++;
    if (shared >= 4 && shared >= 0.6 * Math.min(name.length, lower.length)) return candidate;
    const distance = editDistance(lower, name);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the name may be wrong, at least 2 characters: enough for typos and case.
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance, one row at a time; names are short, so quadratic is fine. */
function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 0; i < a.length; i++) {
    // `diagonal` is the cell above-left of the one being filled: the previous row's.
    let diagonal = i;
    row[0] = i + 1;
    for (let j = 0; j < b.length; j++) {
      const above = row[j + 1] as number;
      row[j + 1] = Math.min(above + 1, (row[j] as number) + 1, diagonal + (a[i] === b[j] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
