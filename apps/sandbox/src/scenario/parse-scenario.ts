import { scenarioSchema, type Scenario } from './scenario-schema.js';

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; issues: string[] };

/** Validates a scenario, naming each bad field by its path (e.g. `faults.http500: must be …`). */
export function parseScenario(input: unknown): ScenarioResult {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return { ok: true, scenario: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    }),
  };
}
