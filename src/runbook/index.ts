/** Both runbooks, rendered from the same facts: file name -> Markdown. */
import { renderDisasterRecovery } from './disasterRecovery.js';
import type { RunbookFacts } from './facts.js';
import { renderOperations } from './operations.js';

export { runbookFacts, rpoHoursOf, DEFAULT_RPO_HOURS, type RunbookFacts } from './facts.js';

export function renderRunbooks(facts: RunbookFacts): Record<string, string> {
  return {
    'operations.md': renderOperations(facts),
    'disaster-recovery.md': renderDisasterRecovery(facts),
  };
}
