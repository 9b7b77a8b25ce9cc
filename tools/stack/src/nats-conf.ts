// `pnpm run nats:conf`: writes the accounts, users and allow-lists of the shipped NATS configurations
// (deploy/nats/nats.conf, deploy/nats/cluster/nats.conf) from libs/messaging/src/bus-permissions.ts, between
// their generated markers. test/nats/nats-permissions.spec.ts fails while a shipped file differs from it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shippedNatsAccounts, withGeneratedAccounts } from '@stac/messaging';

export const SHIPPED_NATS_CONFS = ['deploy/nats/nats.conf', 'deploy/nats/cluster/nats.conf'] as const;

/** A shipped configuration as the generator would write it. */
export function regeneratedNatsConf(current: string): string {
  return withGeneratedAccounts(current, shippedNatsAccounts());
}

function main() {
  const root = resolve(__dirname, '../../..');
  for (const path of SHIPPED_NATS_CONFS) {
    const file = join(root, path);
    const before = readFileSync(file, 'utf8');
    const after = regeneratedNatsConf(before);
    if (after !== before) writeFileSync(file, after);
    process.stdout.write(`${after === before ? 'unchanged' : 'wrote'} ${path}\n`);
  }
}

if (require.main === module) main();
