/** Small Markdown helpers for the runbooks: deterministic output, placeholders for values not known yet. */

/** The value, or an `<UPPER_CASE>` placeholder the operator must fill in. */
export function or(value: string | number | undefined, placeholder: string): string {
  return value === undefined || value === '' ? `<${placeholder}>` : String(value);
}

/** A shell block: one command per entry, long ones split as `cmd \` + indented options. */
export function shell(...commands: (string | string[])[]): string {
  const lines = commands.map((c) => (Array.isArray(c) ? c.join(' \\\n    ') : c));
  return ['```sh', ...lines, '```'].join('\n');
}

export function table(header: string[], rows: string[][]): string {
  const esc = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export const code = (text: string) => `\`${text}\``;

/** Joins sections with one blank line and ends with a newline. */
export function doc(...parts: (string | false | undefined)[]): string {
  return `${parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n\n')}\n`;
}
