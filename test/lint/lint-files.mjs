// Lints the given files with the ESLint class API and prints the results as JSON on stdout.
// A separate process because ESLint loads eslint.config.mjs with a dynamic import, which Jest's
// module sandbox does not support without --experimental-vm-modules.
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });
const results = await eslint.lintFiles(process.argv.slice(2));
process.stdout.write(
  JSON.stringify(
    results.map((r) => ({
      filePath: r.filePath,
      messages: r.messages.map(({ ruleId, severity, message, line }) => ({
        ruleId,
        severity,
        message,
        line,
      })),
    })),
  ),
);
