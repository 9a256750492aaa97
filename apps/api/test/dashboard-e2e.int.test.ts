// The dashboard in a real browser (headless Chromium through playwright-core): sign in, the
// overview's charts drawn with no console error and no CSP violation, its figures equal to the
// database's, an exception resolved through the form (row and audit row), Bull Board behind the
// sign-in. Screenshots go to .test-results/ (dashboard.png and one per page).
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, expect, test } from '@vexora-checkout/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { OPERATOR, seedActivity, startDashboardApi, type DashboardApi } from './dashboard-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const RESULTS = '.test-results';

let browser: Browser | undefined;
let api: DashboardApi | undefined;
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** Console errors, page errors and CSP violations of a page, as text. */
async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Init scripts run through the DevTools protocol, outside the page's CSP.
  await page.exposeFunction('reportCspViolation', (text: string) => problems.push(`CSP: ${text}`));
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      window.reportCspViolation(event.violatedDirective + ' blocked ' + event.blockedURI));`,
  });
  return problems;
}

test('sign in, charts, figures, resolving an exception and Bull Board in headless Chromium', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing (${CHROMIUM}): install it with \`apt-get install -y chromium\` (the end-to-end dashboard test needs it).`,
    );
  }
  mkdirSync(RESULTS, { recursive: true });
  api = await startDashboardApi({ databaseUrl, redisUrl, bullmqPrefix: bullmq.prefix });
  await seedActivity(api.prisma, { count: 600, minutes: 55, exceptions: 4 });
  const submitQueue = bullmq.createQueue('checkout-submit');
  await submitQueue.add('submit', { intentId: 'e2e' }, { jobId: 'e2e-job' });
  await submitQueue.close();

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const problems = await watchProblems(page);

  // Not signed in: the sign-in page, then back to what was asked.
  await page.goto(`${api.url}/dashboard/exceptions`);
  expect(new URL(page.url()).pathname).toBe('/dashboard/login');
  await page.fill('input[name="name"]', OPERATOR.name);
  await page.fill('input[name="password"]', 'wrong password, surely');
  await Promise.all([page.waitForURL(/\/dashboard\/login/), page.click('button[type="submit"]')]);
  expect(await page.textContent('.notice-error')).toContain('Wrong name or password');
  await page.fill('input[name="password"]', OPERATOR.password);
  await Promise.all([page.waitForURL(/\/dashboard\/exceptions$/), page.click('button[type="submit"]')]);
  problems.length = 0; // the refused sign-in's 401 was expected

  // The overview: both charts drawn by Chart.js, from the same figures as the tables.
  await page.goto(`${api.url}/dashboard?hours=1`);
  await page.waitForSelector('body[data-charts-ready="true"]');
  const charts = await page.$$eval('canvas', (canvases: any[]) =>
    canvases.map((canvas) => {
      const chart = (globalThis as any).Chart.getChart(canvas);
      return {
        id: canvas.id as string,
        width: canvas.width as number,
        datasets: (chart?.data.datasets.length ?? 0) as number,
        points: (chart?.data.datasets[0]?.data.length ?? 0) as number,
      };
    }),
  );
  expect(charts.map((chart) => [chart.id, chart.datasets])).toEqual([
    ['activity-chart', 4],
    ['link-chart', 2],
  ]);
  for (const chart of charts) {
    expect(chart.width).toBeGreaterThan(100);
    expect(chart.points).toBeGreaterThanOrEqual(60);
  }
  const shownCreated = Number((await page.textContent('[data-total="created"]'))!.replace(/,/g, ''));
  const shownPaid = Number((await page.textContent('[data-total="paid"]'))!.replace(/,/g, ''));
  const [counts] = await api.prisma.$queryRaw<{ created: number; paid: number }[]>`
    SELECT (SELECT count(*) FROM checkout_intent WHERE created_at >= now() - interval '1 hour')::int AS created,
           (SELECT count(*) FROM status_history WHERE to_state = 'PAID' AND created_at >= now() - interval '1 hour')::int AS paid`;
  expect(shownCreated).toBe(counts!.created);
  expect(shownCreated).toBe(600);
  expect(shownPaid).toBe(counts!.paid);
  await page.screenshot({ path: `${RESULTS}/dashboard.png`, fullPage: true });

  // Resolve the oldest open exception through its form.
  await page.goto(`${api.url}/dashboard/exceptions`);
  const first = page.locator('article.exception').first();
  const exceptionId = (await first.getAttribute('data-exception-id'))!;
  await first.locator('details summary').click();
  await page.screenshot({ path: `${RESULTS}/dashboard-exceptions.png` });
  await first.locator('select[name="resolution"]').selectOption('written_off');
  await first.locator('textarea[name="note"]').fill('Below the write-off threshold (e2e)');
  await Promise.all([page.waitForURL(/resolved=/), first.locator('button[type="submit"]').click()]);
  expect(await page.textContent('.notice-ok')).toContain(`Exception #${exceptionId} resolved`);
  const [resolved] = await api.prisma.$queryRaw<{ resolution: string; resolved_by: string }[]>`
    SELECT resolution, resolved_by FROM reconciliation_exception WHERE id = ${exceptionId}::bigint`;
  expect(resolved).toEqual({ resolution: 'written_off', resolved_by: OPERATOR.name });
  const audit = await api.prisma.$queryRaw<{ action: string; operator: string }[]>`
    SELECT action, operator FROM operator_audit_log WHERE target = ${`reconciliation_exception:${exceptionId}`}`;
  expect(audit).toEqual([{ action: 'exception.resolve', operator: OPERATOR.name }]);

  // An intent's timeline, found through the search box.
  const [intent] = await api.prisma.$queryRaw<{ id: string; trade_no: string }[]>`
    SELECT ci.id::text, ci.trade_no FROM reconciliation_exception e JOIN checkout_intent ci ON ci.id = e.intent_id
    WHERE e.resolved_at IS NULL ORDER BY e.id LIMIT 1`;
  await page.fill('header input[name="q"]', intent!.trade_no);
  await Promise.all([
    page.waitForURL(/\/dashboard\/intents\//),
    page.press('header input[name="q"]', 'Enter'),
  ]);
  expect(new URL(page.url()).pathname).toBe(`/dashboard/intents/${intent!.id}`);
  expect(await page.textContent('table.timeline')).toContain('gateway.paid');
  await page.screenshot({ path: `${RESULTS}/dashboard-timeline.png`, fullPage: true });

  await page.goto(`${api.url}/dashboard/stuck`);
  expect(problems).toEqual([]);

  // Bull Board, behind the same sign-in: its queues listed. (Its pages ask for Google fonts,
  // which its CSP blocks on purpose: those refusals are the only console errors allowed there.)
  await page.goto(`${api.url}/dashboard/queues`);
  await page.getByText('checkout-submit').first().waitFor();
  expect(await page.content()).toContain('notification-reconcile');
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${RESULTS}/dashboard-queues.png` });
  expect(
    problems.filter((problem) => !/fonts\.googleapis\.com|font-src|style-src-elem/.test(problem)),
  ).toEqual([]);

  const anonymous = await browser.newPage();
  await anonymous.goto(`${api.url}/dashboard/queues`);
  expect(new URL(anonymous.url()).pathname).toBe('/dashboard/login');
  await anonymous.close();
});
