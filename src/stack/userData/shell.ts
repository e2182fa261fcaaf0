/** Quoting for values baked into the boot script. */

/** A single-quoted shell word: nothing inside is expanded. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Placeholder filled by the launch-template handler with a value known only at apply time. */
export function placeholder(name: string): string {
  return `{{${name}}}`;
}
