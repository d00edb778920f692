import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, createApp, createPlatform, loadConfig, mintDevToken, seedAll, SEEDED_USERS } from '@safecity/core';
import { createTestDatabase } from '@safecity/core/testing';
import { EXAMPLE_OPERATIONS } from '../src/examples.js';
import { modules } from '../src/modules.js';

/**
 * GraphiQL as a person on an intranet gets it: Debian's chromium (installed by .ci/run) loads the
 * page served by the real server on the seeded city, with every request to a host other than
 * 127.0.0.1 refused; the editor opens on the example operations, running one shows data, and the
 * Docs pane lists the schema.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) throw new Error(`no chromium at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH`);

let server: Server;
let url: string;
let browser: Browser;
let close: () => Promise<void>;
beforeAll(async () => {
  const config = { ...loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv), redisUrl: null };
  const database = await createTestDatabase();
  const platform = await createPlatform({ modules, config, database });
  await seedAll(platform, modules);
  const token = await mintDevToken(config.auth.devSecret!, { ...SEEDED_USERS.city_admin, roles: ['city_admin'] });
  // The same options `serve` gives (packages/api/src/cli.ts).
  const app = createApp({ platform, schema: buildSchema(modules), graphiqlQuery: EXAMPLE_OPERATIONS, graphiqlHeaders: { Authorization: `Bearer ${token}` } });
  server = await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  close = async () => {
    await browser?.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await platform.close();
    await database.close();
  };
}, 180_000);
afterAll(() => close?.());

describe('GraphiQL offline', () => {
  it('opens on the examples with the token prefilled, loads nothing from outside, runs an example and shows the Docs', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.hostname !== '127.0.0.1') {
        outside.push(u.href);
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    // Monaco draws spaces as no-break spaces.
    const text = async (selector: string) => (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    await page.locator('.graphiql-query-editor').getByText('query DwellingsWithTenants').waitFor({ timeout: 30_000 });
    const editor = await text('.graphiql-query-editor');
    expect(editor).toContain('query MyJurisdiction');
    expect(editor).not.toContain('Welcome to GraphiQL');

    await page.getByText('Headers', { exact: true }).click();
    await expect.poll(() => text('.graphiql-editor-tool')).toMatch(/"Authorization": "Bearer eyJ/);

    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: 'DwellingsWithTenants' }).click();
    await expect.poll(() => text('.graphiql-response'), { timeout: 30_000 }).toMatch(/"dwellings":[\s\S]*"address": "甘肃省兰州市/);
    expect(await text('.graphiql-response')).not.toContain('"errors"');

    // The Docs pane reads the schema from our server (introspection through the same fetcher).
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click();
    await expect.poll(() => text('.graphiql-doc-explorer'), { timeout: 30_000 }).toContain('dwellings');

    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
