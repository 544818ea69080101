import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AppSession } from './browser/AppSession';
import { launchChromium } from './browser/launchChromium';
import { orderThroughTemplate } from './browser/orderThroughTemplate';
import { BackendApi } from './stack/BackendApi';
import { E2E_ROOT, NestorStack } from './stack/NestorStack';
import { waitFor } from './stack/waitFor';

/** Screenshots and the stack's logs: CI keeps this folder as an artifact. */
const ARTIFACTS = path.join(E2E_ROOT, 'artifacts');
const TERMINAL = ['Ready', 'Failed', 'Cancelled', 'RolledBack', 'Deleted'];
const TEAM = 'team-payments';
const PREFERRED_ITEMS = [
  'network-vpc',
  'web-service',
  'sqs-queue',
  's3-bucket',
];

interface CatalogItem {
  name: string;
  definition: {
    metadata: { title?: string };
    spec: { engine: string; requires: unknown[]; environments: string[] };
  };
}

jest.setTimeout(15 * 60_000);

let stack: NestorStack;
let browser: Browser;
let session: AppSession;
let api: BackendApi;
/** the buffet item ordered, once the buffet showed one */
let item: CatalogItem | undefined;
/** the deployment ordered, once the order went through */
let ordered: { ref: string; id: string } | undefined;

beforeAll(async () => {
  stack = await NestorStack.start({ logDir: path.join(ARTIFACTS, 'logs') });
  api = await BackendApi.forGuest(stack.backendUrl);
  browser = await launchChromium();
  session = await AppSession.open(browser, {
    appUrl: stack.appUrl,
    artifactsDir: ARTIFACTS,
  });
});

afterAll(async () => {
  await session?.close();
  await browser?.close();
  await stack?.stop();
});

function phaseOfRow(page: Page, ref: string) {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: ref, exact: true }) });
}

describe('Nestor in a real browser', () => {
  it('signs the guest in and lists the buffet and the deployments in the sidebar', async () => {
    await session.goto('/');
    const sidebar = session.page.getByRole('navigation', {
      name: 'sidebar nav',
    });
    await expect(
      sidebar.getByRole('link', { name: 'Buffet' }).getAttribute('href'),
    ).resolves.toBe('/nestor/buffet');
    await expect(
      sidebar.getByRole('link', { name: 'Deployments' }).getAttribute('href'),
    ).resolves.toBe('/nestor/deployments');
  });

  it('shows the buffet once the examples are synced, and filters it by engine', async () => {
    // the first sync of examples/ runs a few seconds after start-up
    const visible = await waitFor(
      'buffet items from the examples source (an engine module must be installed in packages/backend)',
      async () => {
        const list = await api.get<{ items: CatalogItem[] }>(
          '/nestor/catalog?limit=500',
        );
        return list.items.length > 0 ? list.items : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2000 },
    );
    await session.page.getByRole('link', { name: 'Buffet' }).click();

    const cards = session.page
      .getByRole('list', { name: 'Buffet items' })
      .getByRole('article');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(visible.length);
    await session.screenshot('01-buffet');

    const engine = visible[0].definition.spec.engine;
    await session.page.getByLabel('Engine').selectOption(engine);
    await session.page.waitForURL(url =>
      url.search.includes(`engine=${engine}`),
    );
    const expected = visible.filter(
      i => i.definition.spec.engine === engine,
    ).length;
    await waitFor(
      'the filtered cards',
      async () => ((await cards.count()) === expected ? true : undefined),
      {
        timeoutMs: 20_000,
        intervalMs: 200,
      },
    );
    for (const text of await cards.allInnerTexts())
      expect(text).toContain(`engine: ${engine}`);
    await session.screenshot('02-buffet-filtered');
    await session.page.getByLabel('Engine').selectOption('');

    item =
      PREFERRED_ITEMS.map(name => visible.find(i => i.name === name)).find(
        Boolean,
      ) ??
      visible.find(
        i =>
          i.definition.spec.requires.length === 0 &&
          i.definition.spec.environments.includes('dev'),
      );
    expect(item).toBeDefined();
  });

  it('orders an item through its generated template and follows it live to a terminal phase', async () => {
    if (!item) throw new Error('the previous test chose no item to order');
    const { page } = session;
    const title = item.definition.metadata.title ?? item.name;
    await waitFor(
      `the Template generated for ${item.name} in the catalog`,
      () =>
        api
          .get(`/catalog/entities/by-name/template/default/${item!.name}`)
          .catch(() => undefined),
      { timeoutMs: 180_000, intervalMs: 2000 },
    );

    await page
      .getByRole('article', { name: title })
      .getByRole('link', { name: title })
      .click();
    await page.getByRole('heading', { name: title }).waitFor();
    await page.getByRole('table', { name: 'Parameters' }).waitFor();
    await page
      .getByRole('list', { name: 'Teams you may order for' })
      .getByText(TEAM)
      .waitFor();
    await session.screenshot('03-buffet-item');

    // a second tab follows the deployments of the team while the order is made
    const live = await session.openTab();
    await live.goto(`/nestor/deployments?team=${TEAM}`);
    await live.page.getByLabel('Live updates on').waitFor();
    await live.page.evaluate(() => {
      (window as any).nestorE2eNoReload = true;
    });

    await page.getByRole('button', { name: `Order ${item.name}` }).click();
    await page.waitForURL(
      url => url.pathname === `/create/templates/default/${item!.name}`,
    );
    const name = `e2e-${Date.now().toString(36)}`;
    const ref = `${TEAM}/dev/${name}`;
    const { deploymentUrl } = await orderThroughTemplate(page, {
      team: { search: 'Paym', option: /Payments/ },
      name,
      beforeCreate: () =>
        session.screenshot('04-order-review').then(() => undefined),
    });
    await session.screenshot('05-order-created');
    const id = decodeURIComponent(
      new URL(deploymentUrl).pathname.split('/').pop()!,
    );
    expect(new URL(deploymentUrl).pathname).toBe(
      `/nestor/deployments/${encodeURIComponent(id)}`,
    );
    ordered = { ref, id };

    // the row appears and reaches a terminal phase without a reload
    const row = phaseOfRow(live.page, ref);
    await row.waitFor({ timeout: 60_000 });
    const phase = await waitFor(
      `${ref} in a terminal phase on the deployments page`,
      async () => {
        const text = await row.innerText();
        return TERMINAL.find(p => text.includes(p));
      },
      { timeoutMs: 300_000, intervalMs: 250 },
    );
    expect(
      await live.page.evaluate(() => (window as any).nestorE2eNoReload),
    ).toBe(true);
    const backend = await api.get<{ phase: string }>(
      `/nestor/deployments/${encodeURIComponent(id)}`,
    );
    expect(backend.phase).toBe(phase);
    await live.screenshot('06-deployments-live');

    await live.page.getByRole('link', { name: ref, exact: true }).click();
    await live.page.getByRole('heading', { name: ref }).waitFor();
    const timeline = live.page.getByLabel('Phase timeline');
    await timeline.waitFor();
    const steps = (await timeline.innerText()).split('\n');
    expect(steps.filter(line => line.startsWith(phase)).length).toBeGreaterThan(
      0,
    );
    expect(steps.some(line => line.startsWith('Pending'))).toBe(true);
    await live.page
      .getByRole('table', { name: 'Revisions' })
      .or(live.page.getByText('Nothing rendered yet.').first())
      .first()
      .waitFor();
    await live.screenshot('07-deployment');
    expect([...session.errors, ...live.errors]).toEqual([]);
  });

  it("shows the deployment on the Nestor tab of its team, and the team's quotas", async () => {
    await session.goto(`/catalog/default/group/${TEAM}`);
    await session.page.getByText('Nestor quotas').waitFor();
    await session.page
      .getByText(/^Deployments: \d+ of \d+$/)
      .first()
      .waitFor();
    await session.screenshot('08-team-quotas');

    await session.page
      .getByRole('tab', { name: 'Nestor' })
      .or(session.page.getByRole('link', { name: 'Nestor', exact: true }))
      .first()
      .click();
    await session.page.getByText('Dependency graph', { exact: true }).waitFor();
    await session.page.getByText('Who breaks if this changes').waitFor();
    if (!ordered) throw new Error('the previous test ordered nothing');
    const row = phaseOfRow(session.page, ordered.ref);
    await row.waitFor();
    expect(await row.count()).toBe(1);
    await session.screenshot('09-team-nestor-tab');
  });

  it("opens the Nestor tab of the deployment's own catalog entity", async () => {
    if (!ordered) throw new Error('the previous test ordered nothing');
    const { ref } = ordered;
    const entityName = ref.replace(/\//g, '.');
    // the catalog module publishes each deployment as a Resource entity
    await waitFor(
      `the catalog entity resource:default/${entityName}`,
      () =>
        api
          .get(`/catalog/entities/by-name/resource/default/${entityName}`)
          .catch(() => undefined),
      { timeoutMs: 180_000, intervalMs: 2000 },
    );
    await session.goto(`/catalog/default/resource/${entityName}/nestor`);
    const row = phaseOfRow(session.page, ref);
    await row.waitFor({ timeout: 60_000 });
    const links = session.page.getByRole('link', {
      name: /^team-payments\/dev\//,
    });
    expect(await links.allInnerTexts()).toEqual([ref]);
    await session.page.getByText('Who breaks if this changes').waitFor();
    await session.screenshot('10-deployment-entity-nestor-tab');
  });

  it('renders the buffet and the deployments in the dark theme', async () => {
    const dark = await AppSession.open(browser, {
      appUrl: stack.appUrl,
      artifactsDir: ARTIFACTS,
      theme: 'dark',
    });
    try {
      await dark.goto('/nestor/deployments');
      await dark.page.getByLabel('Live updates on').waitFor();
      const background = await dark.page.evaluate(
        () => getComputedStyle(document.body).backgroundColor,
      );
      const [r, g, b] = background.match(/\d+/g)!.map(Number);
      expect((r + g + b) / 3).toBeLessThan(100);
      await dark.screenshot('11-dark-deployments');
      await dark.goto('/nestor/buffet');
      await dark.page
        .getByRole('list', { name: 'Buffet items' })
        .or(dark.page.getByText('The buffet is empty'))
        .first()
        .waitFor();
      await dark.screenshot('12-dark-buffet');
      expect(dark.errors).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
