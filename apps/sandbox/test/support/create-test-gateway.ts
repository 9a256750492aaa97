import { DEFAULT_SANDBOX_ACCOUNTS, type VexoraAccount } from '@vexora-checkout/contracts';
import { createLogger } from '@vexora-checkout/runtime';
import { SandboxGateway } from '../../src/gateway/sandbox-gateway.js';
import type { PostNotification } from '../../src/notifications/post-notification.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { createFakeClock, type FakeClock } from './create-fake-clock.js';

export interface PostedNotification {
  at: number;
  url: string;
  body: Record<string, string>;
}

export interface TestGateway {
  gateway: SandboxGateway;
  clock: FakeClock;
  /** Every notification the gateway posted, in order. */
  posted: PostedNotification[];
}

/**
 * A gateway on a fake clock, with the development merchants and a fake network: every
 * notification is recorded and answered by `answer` (HTTP 200 "OK" by default).
 */
export function createTestGateway(
  options: {
    scenario?: ScenarioInput;
    seed?: number;
    maxOrders?: number;
    accounts?: readonly VexoraAccount[];
    answer?: (notification: PostedNotification) => { status: number; body: string };
  } = {},
): TestGateway {
  const clock = createFakeClock();
  const posted: PostedNotification[] = [];
  const post: PostNotification = (url, body) => {
    const notification = { at: clock.now(), url, body: JSON.parse(body) as Record<string, string> };
    posted.push(notification);
    return Promise.resolve(options.answer?.(notification) ?? { status: 200, body: 'OK' });
  };
  const scenario = parseScenario(options.scenario ?? {});
  if (!scenario.ok) throw new Error(scenario.issues.join('; '));
  const gateway = new SandboxGateway({
    accounts: options.accounts ?? DEFAULT_SANDBOX_ACCOUNTS,
    clock,
    seed: options.seed ?? 7,
    scenario: scenario.scenario,
    maxOrders: options.maxOrders ?? 1_000,
    publicUrl: () => 'http://sandbox.test',
    notifications: { post, timeScale: 1, timeoutMs: 10_000 },
    logger: createLogger({ service: 'sandbox', level: 'silent' }),
  });
  return { gateway, clock, posted };
}
