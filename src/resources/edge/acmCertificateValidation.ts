/**
 * `acm.certificateValidation`: waits until a DNS-validated certificate is ISSUED (its validation record written
 * by the node it depends on). Nothing in AWS is created or deleted; its existence is "the certificate is issued".
 */
import { ACMClient, DescribeCertificateCommand, type CertificateDetail } from '@aws-sdk/client-acm';
import { hasCode } from '../../aws/errors.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { readEach } from '../readEach.js';

export interface CertificateValidationInputs {
  certificateArn: string;
}

// DNS validation usually takes minutes, but ACM allows up to 72 hours; past this the operator should look.
const VALIDATION_TIMEOUT_MS = 75 * 60_000;
const FAILED = new Set(['FAILED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'EXPIRED', 'INACTIVE']);

async function describe(ctx: ResourceCtx, arn: string): Promise<CertificateDetail | undefined> {
  try {
    return (await ctx.aws.get(ACMClient).send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;
  } catch (error) {
    if (hasCode(error, 'ResourceNotFoundException', 'ResourceNotFound')) return undefined;
    throw error;
  }
}

function issued(arn: string): Actual {
  return { id: arn, inputs: { certificateArn: arn }, outputs: { certificateArn: arn } };
}

export const acmCertificateValidationHandler: Handler = {
  kind: 'acm.certificateValidation',
  forceNew: ['certificateArn'],

  read(ctx, items) {
    return readEach(items, async (item) => ((await describe(ctx, item.id))?.Status === 'ISSUED' ? issued(item.id) : undefined));
  },

  async find(ctx, args) {
    const arn = (args.inputs as unknown as CertificateValidationInputs).certificateArn;
    const cert = await describe(ctx, arn);
    return cert?.Status === 'ISSUED' ? issued(arn) : undefined;
  },

  async create(ctx, args) {
    const arn = (args.inputs as unknown as CertificateValidationInputs).certificateArn;
    await waitUntil(async () => {
      const cert = await describe(ctx, arn);
      if (!cert) return { failed: `certificate ${arn} does not exist` };
      if (cert.Status === 'ISSUED') return { done: true, value: cert };
      if (FAILED.has(cert.Status ?? '')) {
        return { failed: `certificate is ${cert.Status}${cert.FailureReason ? ` (${cert.FailureReason})` : ''}` };
      }
      return { done: false, status: cert.DomainValidationOptions?.[0]?.ValidationStatus ?? cert.Status };
    }, { what: 'DNS validation of the certificate', timeoutMs: VALIDATION_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal });
    return issued(arn);
  },

  async delete() {
    // Nothing to delete: the certificate itself is owned by `acm.certificate`.
  },
};
