import { configJsonSchema } from '../config/schema.js';
import type { Terminal } from '../ui/terminal.js';

export function schemaCommand(term: Terminal): number {
  term.out(JSON.stringify({ title: 'morpheus-ws.yaml', ...(configJsonSchema() as object) }, null, 2));
  return 0;
}
