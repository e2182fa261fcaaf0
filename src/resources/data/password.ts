/** Random passwords made on this machine (node:crypto), so no secret value ever travels as a resource input. */
import { randomInt } from 'node:crypto';

export interface PasswordPolicy {
  length: number;
  /** Punctuation allowed besides letters and digits ('' for none). */
  symbols: string;
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/** At least one character of every class (OpenSearch requires upper, lower, digit and symbol). */
export function generatePassword(policy: PasswordPolicy): string {
  const classes = [LOWER, UPPER, DIGITS, policy.symbols].filter((c) => c.length > 0);
  if (policy.length < classes.length * 2) throw new Error(`password length ${policy.length} is too short`);
  const all = classes.join('');
  const chars = classes.map((c) => c[randomInt(c.length)]);
  while (chars.length < policy.length) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
