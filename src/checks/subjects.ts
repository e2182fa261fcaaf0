/**
 * The live resources `check` evaluates: every resource in state that still exists, with what its handler's `read`
 * returned, plus the facts the inspectors of a few kinds read beyond the inputs (launch template metadata options,
 * cluster storage encryption, OpenSearch node-to-node encryption and access control, secret rotation). The RDS-
 * managed master user secret is added as a subject of its own: it holds a credential the stack relies on.
 */
import type { Actual, ReadItem } from '../engine/types.js';
import { inspectLaunchTemplates } from '../resources/app/launchTemplateHealth.js';
import type { ResourceCtx } from '../resources/context.js';
import { inspectAuroraClusters } from '../resources/data/auroraClusterHealth.js';
import { describeSecretRotation } from '../resources/data/secretHealth.js';
import { inspectSearchDomains } from '../resources/data/searchDomainHealth.js';
import type { StateDoc } from '../state/types.js';
import type { Subject } from './types.js';

type Inspector = (ctx: ResourceCtx, items: ReadItem[]) => Promise<Map<string, object>>;

const INSPECTORS: Record<string, Inspector> = {
  'ec2.launchTemplate': inspectLaunchTemplates,
  'rds.dbCluster': inspectAuroraClusters,
  'opensearch.domain': inspectSearchDomains,
  'secretsmanager.secret': async (ctx, items) => {
    const rotations = await describeSecretRotation(ctx, items.map((i) => i.id));
    return new Map(items.flatMap((i) => (rotations.has(i.id) ? [[i.address, { rotation: rotations.get(i.id)! }]] : [])));
  },
};

export async function gatherSubjects(ctx: ResourceCtx, doc: StateDoc, actual: ReadonlyMap<string, Actual>): Promise<Subject[]> {
  const subjects: Subject[] = [];
  for (const [address, resource] of Object.entries(doc.resources)) {
    const live = actual.get(address);
    if (!live) continue;
    subjects.push({ address, kind: resource.kind, id: live.id, inputs: live.inputs, outputs: live.outputs, facts: {} });
  }
  const byKind = new Map<string, Subject[]>();
  for (const s of subjects) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
  await Promise.all(Object.entries(INSPECTORS).map(async ([kind, inspect]) => {
    const group = byKind.get(kind);
    if (!group?.length) return;
    const facts = await inspect(ctx, group.map((s) => ({ address: s.address, id: s.id, inputs: s.inputs, outputs: s.outputs })));
    for (const s of group) Object.assign(s.facts, facts.get(s.address) ?? {});
  }));
  const masterSecrets = subjects.filter((s) => s.kind === 'rds.dbCluster' && typeof s.facts.masterSecretArn === 'string');
  if (masterSecrets.length) {
    const rotations = await describeSecretRotation(ctx, masterSecrets.map((s) => s.facts.masterSecretArn as string));
    for (const cluster of masterSecrets) {
      const arn = cluster.facts.masterSecretArn as string;
      const rotation = rotations.get(arn);
      if (rotation) {
        subjects.push({ address: `${cluster.address}.masterUserSecret`, kind: 'secretsmanager.secret', id: arn, inputs: {}, outputs: {}, facts: { rotation } });
      }
    }
  }
  return subjects;
}
