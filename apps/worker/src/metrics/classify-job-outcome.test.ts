import { describe, expect, test } from 'vitest';
import { classifyCompletedJob, classifyFailedJob } from './classify-job-outcome.js';

describe('classifyCompletedJob', () => {
  test("labels a submit job by its outcome's kind", () => {
    expect(classifyCompletedJob({ kind: 'awaiting_payment', linkAvailable: true })).toBe('awaiting_payment');
    expect(classifyCompletedJob({ kind: 'skipped', state: 'PAID' })).toBe('skipped');
    expect(classifyCompletedJob({ kind: 'submit_failed' })).toBe('submit_failed');
  });

  test('labels anything else "completed", and never lets a result invent a label', () => {
    expect(classifyCompletedJob({ scanned: 3 })).toBe('completed');
    expect(classifyCompletedJob(undefined)).toBe('completed');
    expect(classifyCompletedJob('awaiting_payment')).toBe('completed');
    expect(classifyCompletedJob({ kind: 42 })).toBe('completed');
    expect(classifyCompletedJob({ kind: 'Robert"); DROP' })).toBe('completed');
    expect(classifyCompletedJob({ kind: 'x'.repeat(40) })).toBe('completed');
  });
});

describe('classifyFailedJob', () => {
  test('a job BullMQ will run again is retry_later; one it gave up on is failed', () => {
    expect(classifyFailedJob({})).toBe('retry_later');
    expect(classifyFailedJob({ finishedOn: undefined })).toBe('retry_later');
    expect(classifyFailedJob({ finishedOn: 1_764_000_000_000 })).toBe('failed');
    expect(classifyFailedJob(undefined)).toBe('failed');
  });
});
