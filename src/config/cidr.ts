/** CIDR math for subnet planning, on top of ip-address (parsing) with BigInt arithmetic. */
import { Address4 } from 'ip-address';

export interface Cidr {
  base: bigint;
  prefix: number;
  text: string;
}

export function parseCidr(text: string): Cidr | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) || !Address4.isValid(text)) return undefined;
  const address = new Address4(text);
  const prefix = address.subnetMask;
  const base = address.startAddress().bigInt();
  if (base !== address.bigInt()) return undefined; // host bits set: 10.0.0.1/16 is not a network
  return { base, prefix, text };
}

export function cidrSize(prefix: number): bigint {
  return 1n << BigInt(32 - prefix);
}

function format(base: bigint, prefix: number): string {
  const octets = [24n, 16n, 8n, 0n].map((shift) => String((base >> shift) & 255n));
  return `${octets.join('.')}/${prefix}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + cidrSize(a.prefix);
  const bEnd = b.base + cidrSize(b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

export interface SubnetLayout {
  public: string[];
  private: string[];
}

/**
 * Carve public and private subnets per AZ out of the VPC: private (large) blocks first, aligned, then public
 * ones after them. Returns undefined when they do not fit.
 */
export function layoutSubnets(vpc: Cidr, azCount: number, publicPrefix: number, privatePrefix: number): SubnetLayout | undefined {
  if (publicPrefix < vpc.prefix || privatePrefix < vpc.prefix) return undefined;
  const end = vpc.base + cidrSize(vpc.prefix);
  let cursor = vpc.base;
  const take = (prefix: number): string | undefined => {
    const size = cidrSize(prefix);
    cursor = ((cursor + size - 1n) / size) * size; // align to the block size
    if (cursor + size > end) return undefined;
    const text = format(cursor, prefix);
    cursor += size;
    return text;
  };
  const privateBlocks: string[] = [];
  const publicBlocks: string[] = [];
  for (let i = 0; i < azCount; i++) {
    const block = take(privatePrefix);
    if (!block) return undefined;
    privateBlocks.push(block);
  }
  for (let i = 0; i < azCount; i++) {
    const block = take(publicPrefix);
    if (!block) return undefined;
    publicBlocks.push(block);
  }
  return { public: publicBlocks, private: privateBlocks };
}
