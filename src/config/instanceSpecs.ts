/**
 * vCPU and memory of the instance types a config may name, for the capacity guidance of `status` and `cost`.
 * Source: the AWS instance-type pages (EC2 general purpose / compute / memory optimized; RDS DB instance classes;
 * Amazon MQ broker instance types; OpenSearch Service instance types). Sizes follow the usual 2×-per-step pattern,
 * so the table is generated per family rather than typed out.
 */

export interface InstanceSpec {
  vcpu: number;
  memoryGiB: number;
}

const SIZE_VCPU: Record<string, number> = {
  large: 2, xlarge: 4, '2xlarge': 8, '4xlarge': 16, '8xlarge': 32, '12xlarge': 48, '16xlarge': 64, '24xlarge': 96,
};

/** GiB of memory per vCPU of each family class: m = general purpose, c = compute, r = memory optimized. */
const MEMORY_PER_VCPU: Record<'m' | 'c' | 'r', number> = { m: 4, c: 2, r: 8 };

function family(prefixes: string[], ratio: number, sizes = Object.keys(SIZE_VCPU)): Record<string, InstanceSpec> {
  const table: Record<string, InstanceSpec> = {};
  for (const prefix of prefixes) {
    for (const size of sizes) table[`${prefix}.${size}`] = { vcpu: SIZE_VCPU[size], memoryGiB: SIZE_VCPU[size] * ratio };
  }
  return table;
}

/** EC2 types for the app nodes (x86: the Morpheus packages are x86_64). */
export const EC2_SPECS: Readonly<Record<string, InstanceSpec>> = {
  ...family(['m5', 'm6i', 'm6a', 'm7i', 'm7a'], MEMORY_PER_VCPU.m),
  ...family(['c5', 'c6i', 'c6a', 'c7i', 'c7a'], MEMORY_PER_VCPU.c),
  ...family(['r5', 'r6i', 'r6a', 'r7i', 'r7a'], MEMORY_PER_VCPU.r),
};

/** Aurora MySQL provisioned classes (Graviton r6g/r7g and Intel r5/r6i). */
export const RDS_SPECS: Readonly<Record<string, InstanceSpec>> = Object.fromEntries(
  Object.entries(family(['r5', 'r6g', 'r6i', 'r7g', 'r7i'], MEMORY_PER_VCPU.r, ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge']))
    .map(([type, spec]) => [`db.${type}`, spec]),
);

/** Amazon MQ for RabbitMQ broker types (each node of a cluster is one such instance). */
export const MQ_SPECS: Readonly<Record<string, InstanceSpec>> = {
  'mq.t3.micro': { vcpu: 2, memoryGiB: 1 },
  ...Object.fromEntries(Object.entries(family(['m5'], MEMORY_PER_VCPU.m, ['large', 'xlarge', '2xlarge', '4xlarge'])).map(([t, s]) => [`mq.${t}`, s])),
};

/** OpenSearch data and master node types. */
export const SEARCH_SPECS: Readonly<Record<string, InstanceSpec>> = Object.fromEntries(
  Object.entries({
    ...family(['r6g', 'r7g', 'r5', 'r6i'], MEMORY_PER_VCPU.r, ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge']),
    ...family(['m6g', 'm7g', 'm5', 'm6i'], MEMORY_PER_VCPU.m, ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge']),
    ...family(['c6g', 'c7g', 'c5'], MEMORY_PER_VCPU.c, ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge']),
  }).map(([t, s]) => [`${t}.search`, s]),
);

/**
 * Aurora MySQL's default max_connections per class (AWS Aurora user guide, "Maximum connections to an Aurora MySQL
 * DB instance"): a higher configured value is accepted but the instance runs out of memory before reaching it.
 */
export const AURORA_MYSQL_DEFAULT_MAX_CONNECTIONS: Readonly<Record<string, number>> = {
  large: 1000, xlarge: 2000, '2xlarge': 3000, '4xlarge': 4000, '8xlarge': 5000, '12xlarge': 6000, '16xlarge': 6000,
};

export function ec2Spec(type: string): InstanceSpec | undefined {
  return EC2_SPECS[type];
}

export function rdsSpec(type: string): InstanceSpec | undefined {
  return RDS_SPECS[type];
}

export function auroraDefaultMaxConnections(instanceClass: string): number | undefined {
  return AURORA_MYSQL_DEFAULT_MAX_CONNECTIONS[instanceClass.split('.').pop() ?? ''];
}
