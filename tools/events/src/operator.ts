import { userInfo } from 'node:os';
import pino, { type Logger } from 'pino';

/** Who ran an operator command: STAC_OPERATOR (an account id, set by the runbook), else the OS account. */
export function operatorId(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STAC_OPERATOR) return env.STAC_OPERATOR;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Every operator action is one JSON log line on stderr (stdout stays the command's answer). */
export function actionLogger(tool: string): Logger {
  return pino(
    { level: 'info', base: { service: tool }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination(2),
  );
}

/** `--name value` options and positional arguments. */
export function parseArgs(argv: string[]): {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
} {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split(/=(.*)/s);
      if (inline !== undefined) options.set(k, [...(options.get(k) ?? []), inline]);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--') && !['all', 'json'].includes(k)) {
        options.set(k, [...(options.get(k) ?? []), argv[++i]]);
      } else flags.add(k);
    } else positional.push(a);
  }
  return { positional, options, flags };
}
