/**
 * Capacity guidance from the config alone: the sizing Morpheus documents for an HA install, checked against the
 * instance types and sizes the config asks for. Shown by `status` and `cost`; never an AWS call.
 *
 *   app node  >= 4 vCPU and 16 GiB (8 GiB is the hard minimum), >= 200 GB for /var/opt/morpheus
 *   database  max_connections >= 150 x the most app nodes the group can run, within what the DB class can hold
 */
import { dbMaxConnections } from '../config/data.js';
import { auroraDefaultMaxConnections, ec2Spec, rdsSpec } from '../config/instanceSpecs.js';
import type { Config } from '../config/schema.js';

export const MORPHEUS_SIZING = {
  recommendedVcpu: 4,
  recommendedMemoryGiB: 16,
  minimumMemoryGiB: 8,
  minimumDiskGb: 200,
  connectionsPerAppNode: 150,
} as const;

export interface CapacityFinding {
  id: 'app.cpu' | 'app.memory' | 'app.disk' | 'db.maxConnections' | 'db.classConnections' | 'app.instanceType' | 'db.instanceClass';
  /** ok: meets the guidance; warn: below the recommendation (or cannot be checked); fail: below the hard minimum. */
  level: 'ok' | 'warn' | 'fail';
  message: string;
}

export function capacityFindings(config: Config): CapacityFinding[] {
  const findings: CapacityFinding[] = [];
  const s = MORPHEUS_SIZING;
  const app = config.app;
  if (app.enabled) {
    const spec = ec2Spec(app.instanceType);
    if (!spec) {
      findings.push({ id: 'app.instanceType', level: 'warn', message: `${app.instanceType} is not in the instance table: check it has >= ${s.recommendedVcpu} vCPU and ${s.recommendedMemoryGiB} GiB` });
    } else {
      findings.push(spec.vcpu >= s.recommendedVcpu
        ? { id: 'app.cpu', level: 'ok', message: `${app.instanceType}: ${spec.vcpu} vCPU per app node (>= ${s.recommendedVcpu})` }
        : { id: 'app.cpu', level: 'warn', message: `${app.instanceType} has ${spec.vcpu} vCPU; Morpheus recommends >= ${s.recommendedVcpu} per app node` });
      const level = spec.memoryGiB < s.minimumMemoryGiB ? 'fail' : spec.memoryGiB < s.recommendedMemoryGiB ? 'warn' : 'ok';
      findings.push({
        id: 'app.memory', level,
        message: level === 'ok' ? `${app.instanceType}: ${spec.memoryGiB} GiB per app node (>= ${s.recommendedMemoryGiB})`
          : `${app.instanceType} has ${spec.memoryGiB} GiB; Morpheus needs ${s.minimumMemoryGiB} GiB at least and recommends ${s.recommendedMemoryGiB}`,
      });
    }
    findings.push(app.dataVolumeGb >= s.minimumDiskGb
      ? { id: 'app.disk', level: 'ok', message: `${app.dataVolumeGb} GB data volume per app node (>= ${s.minimumDiskGb})` }
      : { id: 'app.disk', level: 'fail', message: `${app.dataVolumeGb} GB data volume; Morpheus needs >= ${s.minimumDiskGb} GB for /var/opt/morpheus` });
  }
  const maxConnections = dbMaxConnections(config);
  const needed = s.connectionsPerAppNode * app.maxSize;
  findings.push(maxConnections >= needed
    ? { id: 'db.maxConnections', level: 'ok', message: `max_connections ${maxConnections} covers ${app.maxSize} app nodes (>= ${needed})` }
    : { id: 'db.maxConnections', level: 'fail', message: `max_connections ${maxConnections} is below ${s.connectionsPerAppNode} x ${app.maxSize} app nodes = ${needed}` });
  const dbClass = config.data.db.instanceClass;
  const classLimit = rdsSpec(dbClass) ? auroraDefaultMaxConnections(dbClass) : undefined;
  if (classLimit === undefined) {
    findings.push({ id: 'db.instanceClass', level: 'warn', message: `${dbClass} is not in the instance table: check it can hold ${maxConnections} connections` });
  } else {
    findings.push(maxConnections <= classLimit
      ? { id: 'db.classConnections', level: 'ok', message: `${dbClass} holds up to ${classLimit} connections (${maxConnections} configured)` }
      : { id: 'db.classConnections', level: 'warn', message: `${dbClass} is sized for about ${classLimit} connections but max_connections is ${maxConnections}: use a larger class` });
  }
  return findings;
}
