/**
 * Existing ACM certificates `init` can offer for the load balancer: only ISSUED ones in the stack region (the
 * listener needs a certificate in its own region), with the names each covers.
 */
import { ACMClient, CertificateStatus, ListCertificatesCommand } from '@aws-sdk/client-acm';
import type { AwsClients } from '../../aws/clients.js';

export interface IssuedCertificate {
  arn: string;
  domainName: string;
  /** Every name the certificate covers (the domain name first), wildcards as `*.example.com`. */
  names: string[];
  notAfter?: Date;
}

export async function listIssuedCertificates(aws: AwsClients): Promise<IssuedCertificate[]> {
  const acm = aws.get(ACMClient);
  const found: IssuedCertificate[] = [];
  let NextToken: string | undefined;
  do {
    const page = await acm.send(new ListCertificatesCommand({ CertificateStatuses: [CertificateStatus.ISSUED], NextToken, MaxItems: 100 }));
    for (const summary of page.CertificateSummaryList ?? []) {
      if (!summary.CertificateArn || !summary.DomainName) continue;
      const names = [...new Set([summary.DomainName, ...(summary.SubjectAlternativeNameSummaries ?? [])])];
      found.push({ arn: summary.CertificateArn, domainName: summary.DomainName, names, ...(summary.NotAfter ? { notAfter: summary.NotAfter } : {}) });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return found.sort((a, b) => a.domainName.localeCompare(b.domainName));
}

/** Whether a certificate name (possibly `*.example.com`) covers a host name; a wildcard covers one label only. */
export function certificateCovers(names: readonly string[], hostname: string): boolean {
  const host = hostname.toLowerCase();
  return names.some((raw) => {
    const name = raw.toLowerCase();
    if (!name.startsWith('*.')) return name === host;
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot + 1) === name.slice(2);
  });
}
