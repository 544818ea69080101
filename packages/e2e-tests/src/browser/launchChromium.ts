import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium; never a browser downloaded by `playwright install`. */
export const CHROMIUM = process.env.NESTOR_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, sandbox off (containers), and no background traffic to Google. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the system Chromium through playwright-core. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}
