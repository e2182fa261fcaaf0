import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { UNKNOWN, type PlannedAction } from '../../../src/engine/types.js';
import { renderPlan } from '../../../src/ui/planView.js';

const plain = new Chalk({ level: 0 });

const actions: PlannedAction[] = [
  { address: 'security.kms.key', kind: 'kms.key', tier: 'security', action: 'noop', id: 'k-1', changes: [] },
  {
    address: 'network.sg.app', kind: 'ec2.securityGroup', tier: 'network', action: 'update', id: 'sg-1',
    changes: [{ field: 'ingress', before: [{ port: 443 }], after: [{ port: 443 }, { port: 80 }], forcesReplacement: false, sensitive: false }],
  },
  {
    address: 'network.subnet.private[us-east-1a]', kind: 'ec2.subnet', tier: 'network', action: 'replace', id: 'subnet-1',
    changes: [{ field: 'cidrBlock', before: '10.40.0.0/20', after: '10.40.0.0/21', forcesReplacement: true, sensitive: false }],
  },
  {
    address: 'data.secret.mqAdmin', kind: 'secretsmanager.secret', tier: 'data', action: 'create',
    changes: [
      { field: 'name', before: undefined, after: 'morpheus-ws/demo/mq-admin', forcesReplacement: false, sensitive: false },
      { field: 'kmsKeyId', before: undefined, after: UNKNOWN, forcesReplacement: false, sensitive: false },
      { field: 'token', before: undefined, after: 's3cr3t', forcesReplacement: false, sensitive: true },
    ],
  },
  { address: 'network.nat[us-east-1c]', kind: 'ec2.natGateway', tier: 'network', action: 'delete', id: 'nat-9', reason: 'no longer in the config', changes: [] },
];

describe('plan rendering', () => {
  it('groups by tier with symbols, field changes, masked secrets and a summary', () => {
    expect(renderPlan(actions, plain)).toMatchInlineSnapshot(`
      "network
        ~ network.sg.app ec2.securityGroup sg-1
            ingress: [{"port":443}] -> [{"port":443},{"port":80}]
        -/+ network.subnet.private[us-east-1a] ec2.subnet subnet-1
            cidrBlock: "10.40.0.0/20" -> "10.40.0.0/21" # forces replacement
        - network.nat[us-east-1c] ec2.natGateway nat-9 (no longer in the config)

      data
        + data.secret.mqAdmin secretsmanager.secret
            name: "morpheus-ws/demo/mq-admin"
            kmsKeyId: (known after apply)
            token: (sensitive)

      Plan: 1 to add, 1 to change, 1 to destroy, 1 to replace."
    `);
  });

  it('says when nothing changes', () => {
    expect(renderPlan([actions[0]], plain)).toBe('No changes. 1 resources match the configuration.');
  });

  it('never prints a sensitive value, even coloured', () => {
    const coloured = renderPlan(actions, new Chalk({ level: 2 }));
    expect(coloured).not.toContain('s3cr3t');
    expect(coloured).toContain('\u001b[');
  });
});
