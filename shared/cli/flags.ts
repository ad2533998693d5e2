import { UsageError } from './usageError.ts';

export type Format = 'json' | 'text' | null;

export interface Parsed {
  flags: Map<string, string[]>;
  positionals: string[];
}

/** `--flag value`, `--flag=value`; `--events` takes every value up to the next flag; other words are positional. */
export function parseFlags(rest: readonly string[], allowed: readonly string[]): Parsed {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!allowed.includes(flag)) throw new UsageError(`unexpected argument "${arg}"`);
    const values = eq >= 0 ? [arg.slice(eq + 1)] : [];
    if (eq < 0) {
      while (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) {
        values.push(rest[++i]!);
        if (flag !== '--events') break;
      }
    }
    if (values.length === 0 || values.some((v) => v === '')) throw new UsageError(`${flag} needs a value`);
    if (flag !== '--events' && flags.has(flag)) throw new UsageError(`${flag} is given twice`);
    flags.set(flag, [...(flags.get(flag) ?? []), ...values]);
  }
  return { flags, positionals };
}

export function one(parsed: Parsed, flag: string): string | null {
  return parsed.flags.get(flag)?.[0] ?? null;
}

export function format(parsed: Parsed): Format {
  const value = one(parsed, '--format');
  if (value !== null && value !== 'json' && value !== 'text')
    throw new UsageError(`--format must be json or text, not "${value}"`);
  return value;
}

export function noPositionals(parsed: Parsed, command: string): void {
  if (parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}" for ${command}`);
}
