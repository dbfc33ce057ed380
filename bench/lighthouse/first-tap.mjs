// What a board read first costs its reader: the time from the first tap to
// its answer on a phone, on Lighthouse's slow 4G link and CPU, applied for
// real (Lighthouse itself only simulates them). A board loaded afresh does
// not load its editor until a person reaches for it (app/src/assets/hydrate.js):
// its audit counts the bytes of reading it; this counts the wait for the
// first tap and the bytes that follow.

import puppeteer from 'puppeteer-core';

// Lighthouse's mobile throttling (its `mobileSlow4G` "devtools" settings).
const LINK = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: (1.6 * 1024 * 0.9 * 1024) / 8,
  uploadThroughput: (750 * 0.9 * 1024) / 8,
};
const CPU_SLOWDOWN = 4;

/** Everything the page has transferred so far, in bytes. */
const transferred = (page) =>
  page.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .map((entry) => entry.transferSize)
      .reduce((sum, size) => sum + size, 0),
  );

/**
 * Opens `url` on a throttled phone with the session `cookie` ("name=value"),
 * waits until the board is read and listening, taps the first card's menu
 * and waits for its content. Returns the bytes before and after, and the
 * tap's wait in milliseconds.
 */
export async function firstTap(port, url, cookie) {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    // Lighthouse's phone: a Moto G Power's screen, touch.
    await page.setViewport({ width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
    const [name, value] = cookie.split('=');
    await page.setCookie({ name, value, url });
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', LINK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });

    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-watching="live"]');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const read = await transferred(page);

    const menu = await page.waitForSelector('details.card-menu > summary', { visible: true });
    const started = Date.now();
    await menu.tap();
    await page.waitForSelector('details.card-menu[open] > :not(summary)', { visible: true, timeout: 60_000 });
    const waited = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return { read, awake: await transferred(page), waited };
  } finally {
    await context.close();
    await browser.disconnect();
  }
}
