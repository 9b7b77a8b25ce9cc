import type { ServiceName } from '@stac/domain';

/** One JetStream stream per producing service (design.md §3). RPC subjects live under `rpc.` and never match. */
export interface StreamDefinition {
  readonly name: string;
  readonly subjectPrefix: string;
  readonly producer: ServiceName | string;
}

export const STREAMS: readonly StreamDefinition[] = [
  { name: 'INTAKE', subjectPrefix: 'intake', producer: 'intake' },
  { name: 'RISK', subjectPrefix: 'risk', producer: 'risk-assessment' },
  { name: 'ADVOCACY', subjectPrefix: 'advocacy', producer: 'advocacy' },
  { name: 'MENTAL_HEALTH', subjectPrefix: 'mental-health', producer: 'mental-health' },
  { name: 'PROBATION', subjectPrefix: 'probation', producer: 'probation' },
];

export function streamForSubject(subject: string, streams: readonly StreamDefinition[] = STREAMS): StreamDefinition {
  const prefix = subject.split('.')[0];
  const s = streams.find((x) => x.subjectPrefix === prefix);
  if (!s) throw new Error(`no stream carries subject prefix "${prefix}"`);
  return s;
}
