import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CONFIG_KEYS,
  CONFIG_OPTIONS,
  type ConfigKey,
  type ConfigLayer,
  defaultConfig,
  envName,
  flagName,
  type HooklineConfig,
} from './config.ts';

export const DEFAULT_CONFIG_FILE = 'hookline.config.json';

export interface LoadConfigInput {
  /** Option flags only (the CLI strips its command first): `--port 9000`, `--port=9000`, `--dev`, `--no-dev`. */
  argv: readonly string[];
  /** The environment; only `HOOKLINE_*` names are read. main.ts passes process.env. */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Returns the file's text or null when it does not exist (injected so tests need no files). */
  readTextFile?: (path: string) => string | null;
}

export type LoadConfigResult =
  | { ok: true; config: HooklineConfig; layers: Record<ConfigKey, ConfigLayer>; configFile: string | null }
  | { ok: false; errors: string[] };

/**
 * Builds the effective config: defaults, then `hookline.config.json` (or `--config`/`HOOKLINE_CONFIG`),
 * then `HOOKLINE_*` env vars, then flags, each overriding the one before. Every invalid or unknown
 * option is reported (not just the first), each naming where it came from.
 */
export function loadConfig(input: LoadConfigInput): LoadConfigResult {
  const readTextFile = input.readTextFile ?? readIfExists;
  const errors: string[] = [];
  const flags = parseFlags(input.argv, errors);

  const explicitFile = flags.get('--config') ?? input.env.HOOKLINE_CONFIG;
  flags.delete('--config');
  const configFile = resolve(input.cwd, explicitFile ?? DEFAULT_CONFIG_FILE);
  const fileValues = readConfigFile(configFile, explicitFile !== undefined, readTextFile, errors);

  const config = defaultConfig() as unknown as Record<ConfigKey, unknown>;
  const layers = Object.fromEntries(CONFIG_KEYS.map((key) => [key, 'default'])) as Record<
    ConfigKey,
    ConfigLayer
  >;
  const apply = (key: ConfigKey, raw: unknown, layer: ConfigLayer, where: string) => {
    const parsed = CONFIG_OPTIONS[key].parse(raw);
    if (!parsed.ok) {
      const shown = CONFIG_OPTIONS[key].secret ? '(hidden)' : JSON.stringify(raw);
      errors.push(`${where}: expected ${parsed.expected}, got ${shown}`);
      return;
    }
    config[key] = parsed.value;
    layers[key] = layer;
  };

  for (const [key, raw] of Object.entries(fileValues ?? {})) {
    if (key === '$schema') continue;
    if (isConfigKey(key)) apply(key, raw, 'file', `${configFile}: "${key}"`);
    else errors.push(`${configFile}: unknown option "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
  }
  for (const key of CONFIG_KEYS) {
    const raw = input.env[envName(key)];
    if (raw !== undefined) apply(key, raw, 'env', envName(key));
  }
  const byFlag = new Map(CONFIG_KEYS.map((key) => [flagName(key), key]));
  for (const [flag, raw] of flags) {
    const key = byFlag.get(flag);
    if (key) apply(key, raw, 'flag', flag);
    else errors.push(`unknown flag ${flag}`);
  }

  const typed = config as unknown as HooklineConfig;
  if (errors.length === 0) errors.push(...crossCheck(typed));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: typed, layers, configFile: fileValues === null ? null : configFile };
}

function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_OPTIONS, key);
}

function crossCheck(config: HooklineConfig): string[] {
  const errors: string[] = [];
  // A lease shorter than an attempt would let a second worker retry a delivery that is still in flight.
  if (config.workerLeaseMs <= config.attemptTimeoutMs) {
    errors.push('workerLeaseMs must be longer than attemptTimeoutMs');
  }
  if (config.connectTimeoutMs > config.attemptTimeoutMs) {
    errors.push('connectTimeoutMs must not exceed attemptTimeoutMs');
  }
  if (config.ingestDefaultMaxBodyBytes > config.ingestMaxBodyBytes) {
    errors.push('ingestDefaultMaxBodyBytes must not exceed ingestMaxBodyBytes');
  }
  return errors;
}

/** Flags to a map of `--name` → raw string; boolean flags may be bare (`--dev`) or negated (`--no-dev`). */
function parseFlags(argv: readonly string[], errors: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      errors.push(`unexpected argument "${arg}"`);
      continue;
    }
    const equals = arg.indexOf('=');
    if (equals > 0) {
      flags.set(arg.slice(0, equals), arg.slice(equals + 1));
      continue;
    }
    const next = argv[i + 1];
    if (arg.startsWith('--no-')) flags.set(`--${arg.slice(5)}`, 'false');
    else if (next === undefined || next.startsWith('--')) flags.set(arg, 'true');
    else {
      flags.set(arg, next);
      i++;
    }
  }
  return flags;
}

function readConfigFile(
  path: string,
  required: boolean,
  readTextFile: (path: string) => string | null,
  errors: string[],
): Record<string, unknown> | null {
  const textValue = readTextFile(path);
  if (textValue === null) {
    if (required) errors.push(`${path}: config file not found`);
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(textValue);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    errors.push(`${path}: must contain a JSON object`);
  } catch (error) {
    errors.push(`${path}: not valid JSON (${(error as SyntaxError).message})`);
  }
  return null;
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
