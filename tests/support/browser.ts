import { chromium, type Browser } from "playwright-core";

/**
 * How long any browser-side wait may take: every `expect.poll` passes it, and every page opened with
 * `browser.newPage()` uses it for actions and navigations. Generous on purpose: the suite must pass on
 * a loaded 2-core machine, so no wait may depend on how fast the machine is (the defaults, 1 s for
 * `expect.poll` and 30 s for Playwright, are never relied on).
 */
export const UI_TIMEOUT_MS = 30_000;
export const NAVIGATION_TIMEOUT_MS = 60_000;

/** Debian's Chromium, headless, with the flags this sandboxed machine needs (no network beyond loopback). */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    timeout: NAVIGATION_TIMEOUT_MS,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    return page;
  };
  return browser;
}
