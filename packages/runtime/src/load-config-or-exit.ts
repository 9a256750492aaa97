import { ConfigError } from './parse-env.js';

/**
 * Runs an app's config parser and, on bad configuration, prints the readable list of problems
 * to stderr and exits 1 before anything starts. Other errors propagate.
 */
export function loadConfigOrExit<Config>(load: () => Config): Config {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
