import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeleteListenerCommand, DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand, DescribeListenersCommand, DescribeLoadBalancerAttributesCommand, DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand, ModifyTargetGroupAttributesCommand, type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { listenerHandler, type ListenerInputs } from '../../../../src/resources/edge/listener.js';
import { loadBalancerHandler, type LoadBalancerInputs } from '../../../../src/resources/edge/loadBalancer.js';
import { targetGroupHandler, type TargetGroupInputs } from '../../../../src/resources/edge/targetGroup.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const elb = mockClient(ElasticLoadBalancingV2Client);
const ctx = makeCtx();
const lbArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo-alb/50dc6c495c0c9188';
const tgArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo-app-https/73e2d6bc24d8a067';

beforeEach(() => elb.reset());

const tgInputs: TargetGroupInputs = {
  name: 'demo-app-https', vpcId: 'vpc-1', protocol: 'HTTPS', port: 443,
  healthCheck: { protocol: 'HTTPS', path: '/ping', matcher: '200', intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 },
  stickinessSeconds: 86400, deregistrationDelaySeconds: 60,
};

describe('elbv2.targetGroup', () => {
  it('creates an HTTPS group with a /ping health check, then lb_cookie stickiness', async () => {
    elb.on(CreateTargetGroupCommand).resolves({ TargetGroups: [{ TargetGroupArn: tgArn, TargetGroupName: tgInputs.name }] });
    elb.on(ModifyTargetGroupAttributesCommand).resolves({});
    const actual = await targetGroupHandler.create(ctx, { ...call('edge.targetGroup'), inputs: { ...tgInputs }, token: 't', tags: tagsFor('edge.targetGroup') });
    expect(elb.commandCalls(CreateTargetGroupCommand)[0].args[0].input).toMatchObject({ Protocol: 'HTTPS', Port: 443, HealthCheckPath: '/ping', Matcher: { HttpCode: '200' } });
    expect(elb.commandCalls(ModifyTargetGroupAttributesCommand)[0].args[0].input.Attributes).toEqual(expect.arrayContaining([
      { Key: 'stickiness.enabled', Value: 'true' }, { Key: 'stickiness.type', Value: 'lb_cookie' }, { Key: 'stickiness.lb_cookie.duration_seconds', Value: '86400' },
    ]));
    expect(actual.outputs).toEqual({ arn: tgArn, name: tgInputs.name, arnSuffix: 'targetgroup/demo-app-https/73e2d6bc24d8a067' });
  });

  it('reads in the input shape, and reads the rest when one ARN is gone', async () => {
    elb.on(DescribeTargetGroupsCommand, { TargetGroupArns: [tgArn, 'arn:gone'] }).rejects(awsError('TargetGroupNotFound'));
    elb.on(DescribeTargetGroupsCommand, { TargetGroupArns: ['arn:gone'] }).rejects(awsError('TargetGroupNotFound'));
    elb.on(DescribeTargetGroupsCommand, { TargetGroupArns: [tgArn] }).resolves({ TargetGroups: [{
      TargetGroupArn: tgArn, TargetGroupName: tgInputs.name, VpcId: 'vpc-1', Protocol: 'HTTPS', Port: 443, HealthCheckProtocol: 'HTTPS',
      HealthCheckPath: '/ping', Matcher: { HttpCode: '200' }, HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 10, HealthyThresholdCount: 3, UnhealthyThresholdCount: 3,
    }] });
    elb.on(DescribeTargetGroupAttributesCommand).resolves({ Attributes: [
      { Key: 'stickiness.enabled', Value: 'true' }, { Key: 'stickiness.lb_cookie.duration_seconds', Value: '86400' }, { Key: 'deregistration_delay.timeout_seconds', Value: '60' },
    ] });
    const result = await targetGroupHandler.read(ctx, [
      { address: 'edge.targetGroup', id: tgArn, inputs: {}, outputs: {} }, { address: 'gone', id: 'arn:gone', inputs: {}, outputs: {} },
    ]);
    expect(result.get('edge.targetGroup')!.inputs).toEqual(tgInputs);
    expect(result.has('gone')).toBe(false);
  });

  it('retries deletion while a listener still uses it', async () => {
    elb.on(DeleteTargetGroupCommand).rejectsOnce(awsError('ResourceInUse')).resolves({});
    await withFakeTime(() => targetGroupHandler.delete(ctx, { ...call('edge.targetGroup'), id: tgArn, inputs: {}, outputs: {} }));
    expect(elb.commandCalls(DeleteTargetGroupCommand)).toHaveLength(2);
  });
});

const lbInputs: LoadBalancerInputs = {
  name: 'demo-alb', scheme: 'internet-facing', subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-alb'],
  deletionProtection: true, dropInvalidHeaderFields: true, idleTimeoutSeconds: 300, accessLogs: { bucket: 'logs', prefix: 'alb' },
};
const lb = (state: string): LoadBalancer => ({
  LoadBalancerArn: lbArn, LoadBalancerName: 'demo-alb', DNSName: 'demo-alb-1.us-east-1.elb.amazonaws.com', CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
  Scheme: 'internet-facing', State: { Code: state as never }, SecurityGroups: ['sg-alb'],
  AvailabilityZones: [{ ZoneName: 'a', SubnetId: 'subnet-b' }, { ZoneName: 'b', SubnetId: 'subnet-a' }],
});

describe('elbv2.loadBalancer', () => {
  it('creates, waits until active, then sets protection, header dropping, idle timeout and access logs', async () => {
    elb.on(CreateLoadBalancerCommand).resolves({ LoadBalancers: [lb('provisioning')] });
    elb.on(DescribeLoadBalancersCommand).resolvesOnce({ LoadBalancers: [lb('provisioning')] }).resolves({ LoadBalancers: [lb('active')] });
    elb.on(ModifyLoadBalancerAttributesCommand)
      .rejectsOnce(awsError('InvalidConfigurationRequest', 'Access Denied for bucket: logs. Please check S3bucket permission'))
      .resolves({});
    const actual = await withFakeTime(() => loadBalancerHandler.create(ctx, { ...call('edge.alb'), inputs: { ...lbInputs }, token: 't', tags: tagsFor('edge.alb') }));
    expect(elb.commandCalls(CreateLoadBalancerCommand)[0].args[0].input).toMatchObject({ Type: 'application', Scheme: 'internet-facing', Subnets: ['subnet-a', 'subnet-b'] });
    expect(elb.commandCalls(ModifyLoadBalancerAttributesCommand)[1].args[0].input.Attributes).toEqual(expect.arrayContaining([
      { Key: 'deletion_protection.enabled', Value: 'true' }, { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      { Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'access_logs.s3.bucket', Value: 'logs' }, { Key: 'access_logs.s3.prefix', Value: 'alb' },
    ]));
    expect(actual.outputs).toMatchObject({ dnsName: 'demo-alb-1.us-east-1.elb.amazonaws.com', url: 'https://demo-alb-1.us-east-1.elb.amazonaws.com', arnSuffix: 'app/demo-alb/50dc6c495c0c9188' });
  });

  it('reads attributes back; subnet order does not matter', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [lb('active')] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves({ Attributes: [
      { Key: 'deletion_protection.enabled', Value: 'true' }, { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      { Key: 'idle_timeout.timeout_seconds', Value: '300' }, { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.bucket', Value: 'logs' }, { Key: 'access_logs.s3.prefix', Value: 'alb' },
    ] });
    const actual = (await loadBalancerHandler.read(ctx, [{ address: 'edge.alb', id: lbArn, inputs: {}, outputs: {} }])).get('edge.alb')!;
    for (const [field, value] of Object.entries(lbInputs)) expect(loadBalancerHandler.equal!(field, value, actual.inputs[field])).toBe(true);
  });

  it('turns deletion protection off before deleting, and waits until it is gone', async () => {
    elb.on(ModifyLoadBalancerAttributesCommand).resolves({});
    elb.on(DeleteLoadBalancerCommand).resolves({});
    elb.on(DescribeLoadBalancersCommand).resolvesOnce({ LoadBalancers: [lb('active')] }).rejects(awsError('LoadBalancerNotFound'));
    await withFakeTime(() => loadBalancerHandler.delete(ctx, { ...call('edge.alb'), id: lbArn, inputs: {}, outputs: {} }));
    expect(elb.commandCalls(ModifyLoadBalancerAttributesCommand)[0].args[0].input.Attributes).toEqual([{ Key: 'deletion_protection.enabled', Value: 'false' }]);
    const order = elb.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('ModifyLoadBalancerAttributesCommand')).toBeLessThan(order.indexOf('DeleteLoadBalancerCommand'));
  });

  it('treats an already deleted load balancer as gone', async () => {
    elb.on(ModifyLoadBalancerAttributesCommand).rejects(awsError('LoadBalancerNotFound'));
    await loadBalancerHandler.delete(ctx, { ...call('edge.alb'), id: lbArn, inputs: {}, outputs: {} });
  });
});

const httpsInputs: ListenerInputs = {
  loadBalancerArn: lbArn, port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', certificateArn: 'arn:cert',
  defaultAction: { type: 'forward', targetGroupArn: tgArn },
};

describe('elbv2.listener', () => {
  it('creates the HTTPS listener with its certificate and TLS policy', async () => {
    elb.on(CreateListenerCommand).resolves({ Listeners: [{ ListenerArn: 'arn:l443' }] });
    await listenerHandler.create(ctx, { ...call('edge.listener.https'), inputs: { ...httpsInputs }, token: 't', tags: tagsFor('edge.listener.https') });
    expect(elb.commandCalls(CreateListenerCommand)[0].args[0].input).toMatchObject({
      Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', Certificates: [{ CertificateArn: 'arn:cert' }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    });
  });

  it('creates the HTTP listener as a 301 redirect to HTTPS', async () => {
    elb.on(CreateListenerCommand).resolves({ Listeners: [{ ListenerArn: 'arn:l80' }] });
    await listenerHandler.create(ctx, {
      ...call('edge.listener.http'), token: 't', tags: {},
      inputs: { loadBalancerArn: lbArn, port: 80, protocol: 'HTTP', defaultAction: { type: 'redirect', protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } },
    });
    const sent = elb.commandCalls(CreateListenerCommand)[0].args[0].input;
    expect(sent.DefaultActions![0].RedirectConfig).toMatchObject({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' });
    expect(sent.Certificates).toBeUndefined();
  });

  it('reads back in the input shape and modifies in place', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{
      ListenerArn: 'arn:l443', LoadBalancerArn: lbArn, Port: 443, Protocol: 'HTTPS', SslPolicy: httpsInputs.sslPolicy,
      Certificates: [{ CertificateArn: 'arn:cert' }], DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    }] });
    expect((await listenerHandler.read(ctx, [{ address: 'l', id: 'arn:l443', inputs: {}, outputs: {} }])).get('l')!.inputs).toEqual(httpsInputs);
    elb.on(ModifyListenerCommand).resolves({});
    await listenerHandler.update!(ctx, { ...call('l'), id: 'arn:l443', inputs: { ...httpsInputs, certificateArn: 'arn:cert2' }, previous: { id: '', inputs: {}, outputs: {} }, changed: ['certificateArn'], tags: {} });
    expect(elb.commandCalls(ModifyListenerCommand)[0].args[0].input.Certificates).toEqual([{ CertificateArn: 'arn:cert2' }]);
  });

  it('treats a listener gone with its load balancer as deleted', async () => {
    elb.on(DeleteListenerCommand).rejects(awsError('ListenerNotFound'));
    await listenerHandler.delete(ctx, { ...call('l'), id: 'arn:l443', inputs: {}, outputs: {} });
  });
});
