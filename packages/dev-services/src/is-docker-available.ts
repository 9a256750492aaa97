import { runCommand } from './run-command.js';

/**
 * True when a Docker engine answers, not merely when the docker CLI is installed (a CLI without
 * an engine is common, and every container call would then fail).
 */
export async function isDockerAvailable(): Promise<boolean> {
  const result = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 5_000 });
  return result.code === 0 && result.stdout.trim().length > 0;
}
