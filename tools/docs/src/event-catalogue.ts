import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as contracts from '@stac/contracts';
import { streamForSubject, type EventContract } from '@stac/contracts';

export const SERVICES = ['gateway', 'intake', 'risk-assessment', 'advocacy', 'mental-health', 'probation'] as const;
export type Service = (typeof SERVICES)[number];

export interface CatalogueEvent {
  name: string;
  contract: EventContract;
  subject: string;
  stream: string;
  producer: string;
  consumers: Service[];
}

function isEventContract(value: unknown): value is EventContract {
  const v = value as Partial<EventContract> | undefined;
  return typeof value === 'function' && typeof v?.subject === 'string' && typeof v.eventType === 'string' && typeof v.version === 'number';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.ts$/.test(e.name) && !/spec\.ts$/.test(e.name) ? [path] : [];
  });
}

/** Which event contracts each service consumes, read from its `@OnEvent(Contract)` declarations. */
export function consumersByEvent(root: string): Map<string, Service[]> {
  const out = new Map<string, Service[]>();
  for (const service of SERVICES) {
    for (const file of sourceFiles(join(root, 'apps', service, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/@OnEvent\((\w+)\)/g)) {
        const list = out.get(m[1]) ?? [];
        if (!list.includes(service)) list.push(service);
        out.set(m[1], list.sort());
      }
    }
  }
  return out;
}

/** Every event the platform publishes (from libs/contracts), its stream, producer and consumers. */
export function eventCatalogue(root: string): CatalogueEvent[] {
  const consumers = consumersByEvent(root);
  return Object.entries(contracts)
    .filter((entry): entry is [string, EventContract] => isEventContract(entry[1]))
    .map(([name, contract]) => {
      const stream = streamForSubject(contract.subject);
      return { name, contract, subject: contract.subject, stream: stream.name, producer: String(stream.producer), consumers: consumers.get(name) ?? [] };
    })
    .sort((a, b) => a.subject.localeCompare(b.subject));
}
