// `pnpm test` runs this first: removes event streams earlier, killed test runs left on the shared NATS server.
import { TEST_NATS_URL } from './test-database';
import { sweepTestStreams } from './test-streams';

sweepTestStreams(TEST_NATS_URL).then(
  (removed) => {
    if (removed.length) console.log(`removed ${removed.length} event streams left by earlier test runs`);
  },
  (e: Error) => console.error(`could not look for event streams left by earlier test runs: ${e.message}`),
);
