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
  // A name shortened or lengthened (`retry` for `retries`) is as likely as a typo: a long
  // enough shared beginning counts.
  const stem = known.find((candidate) => {
    const name = candidate.toLowerCase();
    let shared = 0;
    while (shared < name.length && name[shared] === lower[shared]) shared++;
    return shared >= 4 && shared >= 0.6 * Math.min(name.length, lower.length);
  });
  if (stem) return stem;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the name may be wrong, at least 2 characters: enough for typos and case.
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance; names are short, so the quadratic table is fine. */
function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        substitution,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
