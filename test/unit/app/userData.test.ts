import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/resources/app/userDataTemplate.js';
import { renderUserData, type UserDataParams } from '../../../src/stack/userData/index.js';
import { morpheusRbFunction } from '../../../src/stack/userData/morpheusRb.js';

const GOLDEN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '__golden__');

/** Compare with the golden file; `UPDATE_GOLDEN=1` rewrites it (review the diff before keeping it). */
function expectGolden(name: string, text: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

const params: UserDataParams = {
  workspace: 'demo',
  region: 'us-east-1',
  ssmPrefix: '/morpheus-ws/demo/',
  packageUrl: 'https://downloads.example.com/morpheus-appliance-8.0.0-1.el9.x86_64.rpm',
  morpheusUid: 999,
  morpheusGid: 999,
  efsMount: 'efs-utils-tls',
  logGroups: { morpheus: '/morpheus-ws/demo/app/morpheus', system: '/morpheus-ws/demo/app/system', bootstrap: '/morpheus-ws/demo/app/bootstrap' },
};

function bashSyntaxOk(script: string): boolean {
  return spawnSync('bash', ['-n'], { input: script }).status === 0;
}

describe('app node user data', () => {
  const script = renderUserData(params);

  it('matches the golden file', () => {
    expectGolden('user-data.sh', script);
  });

  it('matches the golden file with a fixed host name, a checksum and plain NFS', () => {
    expectGolden('user-data-hostname-nfs.sh', renderUserData({
      ...params, applianceUrl: 'https://morpheus.example.com', efsMount: 'nfs', packageSha256: 'a'.repeat(64),
    }));
  });

  it('is valid bash', () => {
    expect(bashSyntaxOk(script)).toBe(true);
  });

  it('bakes in only the SSM prefix, region and other non-secret facts', () => {
    expect(script).toContain("readonly SSM_PREFIX='/morpheus-ws/demo/'");
    expect(script).toContain("readonly AWS_REGION='us-east-1'");
    expect(script).not.toMatch(/arn:aws:secretsmanager/);
    expect(script).not.toMatch(/password\s*=\s*'[^$]/i);
    expect(script).not.toContain('set -x');
  });

  it('leaves the appliance URL as a placeholder filled at apply time', () => {
    expect(script).toContain("readonly APPLIANCE_URL='{{applianceUrl}}'");
    const rendered = renderTemplate({ template: script, values: { applianceUrl: 'https://demo-alb-1.us-east-1.elb.amazonaws.com' } });
    expect(rendered).toContain("readonly APPLIANCE_URL='https://demo-alb-1.us-east-1.elb.amazonaws.com'");
    expect(bashSyntaxOk(rendered)).toBe(true);
  });

  it('mounts the shared storage after the package install and before the first reconfigure', () => {
    const main = script.slice(script.indexOf('main() {'));
    const order = ['ensure_morpheus_user', 'load_settings', 'bootstrap_database', 'bootstrap_rabbitmq',
      'install_morpheus_package', 'mount_shared_storage', 'write_morpheus_rb', 'reconfigure_morpheus'];
    const positions = order.map((step) => main.indexOf(`  ${step}\n`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('uses efs-utils with TLS, or NFS 4.1 with the recommended options, persisted in fstab', () => {
    expect(script).toContain('options="_netdev,noresvport,tls,iam"');
    expect(script).toContain('nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev');
    expect(script).toMatch(/>> \/etc\/fstab/);
  });

  it('creates the database and user idempotently, and the RabbitMQ vhost, user and permissions over HTTPS', () => {
    expect(script).toContain('CREATE DATABASE IF NOT EXISTS \\`$DB_NAME\\` CHARACTER SET utf8mb4');
    expect(script).toContain("CREATE USER IF NOT EXISTS $user@'%'");
    expect(script).toContain('rabbit_api PUT "/vhosts/$vhost_path"');
    expect(script).toContain('rabbit_api PUT "/users/$user_path"');
    expect(script).toContain('rabbit_api PUT "/permissions/$vhost_path/$user_path"');
    // Credentials go through 0600 files and stdin, never a command line.
    expect(script).toContain('-K "$RUN_DIR/mq-admin.curl"');
    expect(script).toContain('--defaults-extra-file="$1"');
  });

  it('ships logs through the CloudWatch agent to the workspace log groups', () => {
    expect(script).toContain('"log_group_name": "/morpheus-ws/demo/app/morpheus"');
    expect(script).toContain('"file_path": "/var/log/morpheus/morpheus-ui/current"');
    expect(script).toContain('amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s');
  });
});

describe('morpheus.rb writer', () => {
  const text = morpheusRbFunction();

  it('matches the golden file', () => {
    expectGolden('morpheus-rb.sh', text);
  });

  it('externalises MySQL, RabbitMQ (TLS 5671) and OpenSearch (TLS 443), with placeholders only', () => {
    for (const line of [
      "mysql['enable'] = false", "rabbitmq['enable'] = false", "rabbitmq['port'] = '5671'", "rabbitmq['use_tls'] = true",
      "elasticsearch['enable'] = false", "elasticsearch['use_tls'] = true", '=> 443 }',
      'appliance_url $(rb_quote "$MORPHEUS_URL")', "mysql['morpheus_password'] = $(rb_quote \"$DB_APP_PASSWORD\")",
    ]) expect(text).toContain(line);
    // Every value comes from a shell variable: no literal host or credential.
    const valueLines = text.split('\n').filter((l) => /^(mysql|rabbitmq|elasticsearch)\['(host|morpheus_password|queue_user_password|auth_password)'\]/.test(l));
    expect(valueLines.length).toBe(5);
    for (const line of valueLines) expect(line).toMatch(/\$\(rb_quote "\$[A-Z_]+"\)/);
  });

  it('writes morpheus.rb readable by root only, values quoted for Ruby', () => {
    const script = `${text}\nlog() { :; }\n`;
    const result = spawnSync('bash', ['-c', `${script.replaceAll('/etc/morpheus', '"$OUT"')}
      MORPHEUS_URL=https://m.example.com DB_HOST=db DB_PORT=3306 DB_NAME=morpheus DB_APP_USER=morpheus
      DB_APP_PASSWORD="it's \\$(evil)" MQ_HOST=mq MQ_VHOST=morpheus MQ_APP_USER=app MQ_APP_PASSWORD=p
      SEARCH_DOMAIN=d SEARCH_ENDPOINT=vpc-d.es.amazonaws.com SEARCH_USER=admin SEARCH_PASSWORD=s
      write_morpheus_rb && cat "$OUT/morpheus.rb" && stat -c %a "$OUT/morpheus.rb"`],
    { env: { ...process.env, OUT: path.join(process.env.TMPDIR ?? '/tmp', `mrb-${process.pid}`) }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("mysql['morpheus_password'] = 'it\\'s $(evil)'");
    expect(result.stdout).toContain("elasticsearch['es_hosts'] = { 'vpc-d.es.amazonaws.com' => 443 }");
    expect(result.stdout.trim().endsWith('600')).toBe(true);
  });
});
