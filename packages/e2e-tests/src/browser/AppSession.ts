import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * One signed-in guest in the Nestor app: navigation that signs in again
 * when a full page load lands on the sign-in page, screenshots into the
 * artifacts folder, and the errors the page threw.
 */
export class AppSession {
  readonly page: Page;
  readonly #context: BrowserContext;
  readonly #appUrl: string;
  readonly #artifacts: string;
  /** the errors the page threw */
  readonly errors: string[] = [];

  static async open(
    browser: Browser,
    options: { appUrl: string; artifactsDir: string; theme?: 'light' | 'dark' },
  ): Promise<AppSession> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    if (options.theme) {
      const theme = options.theme;
      await context.addInitScript(
        t => window.localStorage.setItem('theme', t),
        theme,
      );
    }
    return AppSession.#inContext(context, options);
  }

  /** Another tab of the same browser context (the same signed-in user). */
  async openTab(): Promise<AppSession> {
    return AppSession.#inContext(this.#context, {
      appUrl: this.#appUrl,
      artifactsDir: this.#artifacts,
    });
  }

  static async #inContext(
    context: BrowserContext,
    options: { appUrl: string; artifactsDir: string },
  ): Promise<AppSession> {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    fs.mkdirSync(options.artifactsDir, { recursive: true });
    return new AppSession(context, page, options.appUrl, options.artifactsDir);
  }

  private constructor(
    context: BrowserContext,
    page: Page,
    appUrl: string,
    artifacts: string,
  ) {
    this.#context = context;
    this.page = page;
    this.#appUrl = appUrl;
    this.#artifacts = artifacts;
    page.on('pageerror', error =>
      this.errors.push(`page error: ${error.message}`),
    );
  }

  /** Loads an app path; on the sign-in page, enters as the guest first. */
  async goto(appPath: string): Promise<void> {
    await this.page.goto(`${this.#appUrl}${appPath}`, {
      waitUntil: 'domcontentloaded',
    });
    const enter = this.page.getByRole('button', { name: /^enter$/i });
    const sidebar = this.page.getByRole('navigation', { name: 'sidebar nav' });
    await enter
      .or(sidebar)
      .first()
      .waitFor({ state: 'attached', timeout: 120_000 });
    if (await enter.isVisible()) {
      await enter.click();
      await sidebar.waitFor({ state: 'attached', timeout: 60_000 });
    }
  }

  /** A full-page screenshot, `<name>.png` in the artifacts folder. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(this.#artifacts, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** Closes the browser context (every tab of it). */
  async close(): Promise<void> {
    await this.#context.close();
  }
}
