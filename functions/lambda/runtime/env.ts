/** The deployed functions' settings that are not rules: resource names the CDK app puts in their environment. */
import { ConfigError } from '../../core/config.js';

/** Reads every named variable at cold start; a missing one fails the function before it takes a request. */
export function requireEnv<const Name extends string>(...names: Name[]): Record<Name, string> {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length > 0)
    throw new ConfigError(missing.map((name) => `${name}: required in the function's environment`));
  return Object.fromEntries(names.map((name) => [name, process.env[name] as string])) as Record<Name, string>;
}
