/** The CloudWatch agent configuration of an app node: which files go to which log group, plus memory/disk metrics. */

export interface AppLogGroups {
  /** Morpheus services (morpheus-ui, nginx, guacd…). */
  morpheus: string;
  /** Operating system logs. */
  system: string;
  /** The boot script and cloud-init output. */
  bootstrap: string;
}

export const BOOTSTRAP_LOG_FILE = '/var/log/morpheus-ws-bootstrap.log';

export function cloudwatchAgentConfig(groups: AppLogGroups): object {
  const file = (path: string, group: string, stream: string) => ({
    file_path: path,
    log_group_name: group,
    log_stream_name: `{instance_id}/${stream}`,
  });
  return {
    agent: { run_as_user: 'root' },
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            file(BOOTSTRAP_LOG_FILE, groups.bootstrap, 'bootstrap'),
            file('/var/log/cloud-init-output.log', groups.bootstrap, 'cloud-init-output'),
            file('/var/log/morpheus/morpheus-ui/current', groups.morpheus, 'morpheus-ui'),
            file('/var/log/morpheus/nginx/current', groups.morpheus, 'nginx'),
            file('/var/log/morpheus/nginx/*access.log', groups.morpheus, 'nginx-access'),
            file('/var/log/morpheus/guacd/current', groups.morpheus, 'guacd'),
            file('/var/log/morpheus/check-server/current', groups.morpheus, 'check-server'),
            file('/var/log/messages', groups.system, 'messages'),
            file('/var/log/secure', groups.system, 'secure'),
            file('/var/log/syslog', groups.system, 'syslog'),
            file('/var/log/auth.log', groups.system, 'auth'),
          ],
        },
      },
    },
    metrics: {
      namespace: 'CWAgent',
      append_dimensions: { AutoScalingGroupName: '${aws:AutoScalingGroupName}', InstanceId: '${aws:InstanceId}' },
      metrics_collected: {
        mem: { measurement: ['mem_used_percent'] },
        disk: { measurement: ['used_percent'], resources: ['/', '/var/opt/morpheus'] },
      },
    },
  };
}
