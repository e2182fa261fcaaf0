/**
 * Public Route 53 hosted zones `init` can offer for the host name: a DNS-validated certificate and the alias record
 * go in the chosen zone. Private zones are left out: ACM cannot validate through them and the internet cannot
 * resolve them.
 */
import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { AwsClients } from '../../aws/clients.js';

export interface PublicHostedZone {
  /** Without the `/hostedzone/` prefix, as edge.hostedZoneId takes it. */
  id: string;
  /** Without the trailing dot. */
  name: string;
}

export async function listPublicHostedZones(aws: AwsClients): Promise<PublicHostedZone[]> {
  const route53 = aws.get(Route53Client);
  const zones: PublicHostedZone[] = [];
  let Marker: string | undefined;
  do {
    const page = await route53.send(new ListHostedZonesCommand({ Marker }));
    for (const zone of page.HostedZones ?? []) {
      if (!zone.Id || !zone.Name || zone.Config?.PrivateZone) continue;
      zones.push({ id: zone.Id.replace(/^\/hostedzone\//, ''), name: zone.Name.replace(/\.$/, '') });
    }
    Marker = page.IsTruncated ? page.NextMarker : undefined;
  } while (Marker);
  return zones.sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether a host name is the zone's apex or inside it. */
export function inZone(hostname: string, zoneName: string): boolean {
  const host = hostname.toLowerCase();
  const zone = zoneName.toLowerCase();
  return host === zone || host.endsWith(`.${zone}`);
}
