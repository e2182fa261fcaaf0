import type { Handler } from '../context.js';
import { acmCertificateHandler } from './acmCertificate.js';
import { acmCertificateValidationHandler } from './acmCertificateValidation.js';
import { listenerHandler } from './listener.js';
import { loadBalancerHandler } from './loadBalancer.js';
import { route53RecordHandler } from './route53Record.js';
import { s3BucketHandler } from './s3Bucket.js';
import { targetGroupHandler } from './targetGroup.js';

/** Handlers of the edge tier's AWS kinds. */
export const edgeHandlers: Handler[] = [
  s3BucketHandler, acmCertificateHandler, acmCertificateValidationHandler, route53RecordHandler,
  targetGroupHandler, loadBalancerHandler, listenerHandler,
];
