/** The shapes of `check`: live resources as controls see them, the controls, and their findings. */

/** One live resource: what its handler's `read` returned, plus facts the inspectors read beyond the inputs. */
export interface Subject {
  address: string;
  kind: string;
  id: string;
  /** Actual.inputs: the live AWS settings, in the shape of the desired inputs (fields AWS does not return are absent). */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  facts: Record<string, unknown>;
}

export type ControlStatus = 'pass' | 'fail' | 'warn' | 'unknown';

export interface Finding {
  status: ControlStatus;
  detail: string;
}

/** An AWS Foundational Security Best Practices control, evaluated on every live resource of one kind. */
export interface Control {
  /** The Security Hub control id, e.g. `RDS.7`. */
  id: string;
  title: string;
  kind: string;
  evaluate(subject: Subject, all: readonly Subject[]): Finding;
  /** What to do when it fails (morpheus-ws config or command first, the AWS setting second). */
  fix: string;
}

export interface ControlResult {
  control: string;
  title: string;
  status: ControlStatus;
  address: string;
  resourceId: string;
  detail: string;
  fix?: string;
}
