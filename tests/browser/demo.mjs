// The demo page in a real browser: Debian's headless Chromium driven by playwright-core (never a
// downloaded browser). Starts the demo on Viceroy and checks what a visitor does: the consent
// button sets the cookie, view and click beacons are sent and accepted, a click re-ranks the
// next banner (the clicked item gone, its category leading), every image loads, and the console
// stays clean. Exit code 0 when every check passes. Usage: node tests/browser/demo.mjs
import { chromium } from 'playwright-core';
import { startViceroy, traps } from './stack.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// A desktop browser's user agent: headless Chromium's own names itself "HeadlessChrome".
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/140.0.0.0 Safari/537.36';

const failures = [];
function check(ok, message) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
}

/** Records what the page does that the checks look at. */
function watch(page) {
  const seen = { consoleErrors: [], failedRequests: [], badImages: [], beacons: [] };
  page.on('console', (m) => {
    const from = m.location()?.url ?? '';
    if (m.type() === 'error') seen.consoleErrors.push(`${m.text()} (${from})`);
  });
  page.on('pageerror', (e) => seen.consoleErrors.push(String(e)));
  page.on('requestfailed', (r) => seen.failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', async (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/img/') && r.status() >= 400) seen.badImages.push(`${r.url()}: ${r.status()}`);
    if (url.pathname === '/events') {
      const body = r.request().postData() ?? '';
      seen.beacons.push({ status: r.status(), events: JSON.parse(body || '{"events":[]}').events ?? [] });
    }
  });
  return seen;
}

/** The first beacon answered since `seen.beacons[from]` whose events include `type`. */
async function beacon(seen, type, from) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const found = seen.beacons.slice(from).find((b) => b.events.some((e) => e.type === type));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${type} beacon answered within 15 s`);
}

/** The hero banner's items as the page shows them. */
function bannerItems(page) {
  return page.$$eval('.tailor-banner [data-item]', (links) =>
    links.map((a) => ({ id: a.dataset.item, category: a.dataset.category })));
}

/** Brings every (lazy) image into view and reports the ones that did not decode. */
async function brokenImages(page) {
  await page.$$eval('img', (imgs) => imgs.forEach((i) => { i.loading = 'eager'; }));
  for (const img of await page.$$('img')) await img.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 30_000 });
  return page.$$eval('img', (imgs) => imgs
    .filter((i) => !(i.naturalWidth > 0))
    .map((i) => i.currentSrc || i.src));
}

async function run(base) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const context = await browser.newContext({ userAgent: DESKTOP_UA, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const seen = watch(page);
    const anonymousView = page.waitForResponse((r) => new URL(r.url()).pathname === '/events');

    await page.goto(`${base}/`, { waitUntil: 'load' });
    check(await page.isVisible('text=Give consent'), 'without consent the page offers the consent button');
    const anonymous = await bannerItems(page);
    check(anonymous.length > 0, `the banner shows items (${anonymous.length})`);
    // Every image of the first visit decodes (and none is still loading when the page reloads).
    const brokenBefore = await brokenImages(page);
    check(brokenBefore.length === 0, `without consent every image decodes ${brokenBefore.join(' ')}`);
    await anonymousView;

    const consented = seen.beacons.length;
    await Promise.all([page.waitForURL(`${base}/`, { waitUntil: 'load' }), page.click('text=Give consent')]);
    await page.waitForLoadState('load');
    const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c.value]));
    check(cookies.tailor_consent === '1', 'the consent button sets tailor_consent=1');
    check((cookies.tailor_visitor ?? '').startsWith('k1.'), 'with consent the visitor cookie is issued');
    check(!(await page.isVisible('text=Give consent')), 'after consent the page says consent is given');

    // The view beacon is sent once the banner is half on screen (it is, at the top of the page).
    const before = await bannerItems(page);
    const view = await beacon(seen, 'view', consented);
    check(view.status >= 200 && view.status < 300, `view beacon accepted (${view.status}, ${view.events.length} events)`);
    check(before.every((i) => view.events.some((e) => e.item === i.id && e.type === 'view')),
      'the view beacon names every item the banner shows');
    check(view.events.every((e) => !('category' in e)), 'beacons send the item id only (the edge knows its category)');

    // Click the banner's last (lowest ranked) item; stay on the page, the product links go nowhere.
    const clicked = before[before.length - 1];
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
    const clickedAt = seen.beacons.length;
    await page.click(`.tailor-banner [data-item="${clicked.id}"]`);
    const click = await beacon(seen, 'click', clickedAt);
    check(click.status >= 200 && click.status < 300, `click beacon for ${clicked.id} (${clicked.category}) accepted (${click.status})`);

    await page.reload({ waitUntil: 'load' });
    const after = await bannerItems(page);
    console.log(`     before: ${before.map((i) => `${i.id}/${i.category}`).join(' ')}`);
    console.log(`     after:  ${after.map((i) => `${i.id}/${i.category}`).join(' ')}`);
    check(!after.some((i) => i.id === clicked.id), 'the clicked item is not recommended again');
    check(after[0]?.category === clicked.category, `the clicked category (${clicked.category}) leads the next banner`);
    const counts = after.reduce((m, i) => m.set(i.category, (m.get(i.category) ?? 0) + 1), new Map());
    check([...counts.values()].every((n) => n <= 2), 'at most two items of one category');

    const broken = await brokenImages(page);
    const images = await page.$$eval('img', (imgs) => imgs.length);
    check(broken.length === 0, `every image decodes (${images} on the page) ${broken.join(' ')}`);
    check(seen.badImages.length === 0, `no image request failed ${seen.badImages.join(' ')}`);
    check(seen.failedRequests.length === 0, `no request failed ${seen.failedRequests.join(' ')}`);
    const rejected = seen.beacons.filter((b) => b.status < 200 || b.status >= 300);
    check(rejected.length === 0, `every beacon accepted (${seen.beacons.length} sent)`);
    check(seen.consoleErrors.length === 0, `no console errors ${seen.consoleErrors.join(' | ')}`);

    // A 2x screen picks the srcset's `?dpr=2` renditions: they load too.
    const retina = await browser.newContext({ userAgent: DESKTOP_UA, deviceScaleFactor: 2 });
    const page2 = await retina.newPage();
    const seen2 = watch(page2);
    await page2.goto(`${base}/`, { waitUntil: 'load' });
    const broken2 = await brokenImages(page2);
    const dpr2 = await page2.$$eval('img', (imgs) => imgs.filter((i) => i.currentSrc.includes('dpr=2')).length);
    check(dpr2 > 0 && broken2.length === 0 && seen2.badImages.length === 0 && seen2.failedRequests.length === 0,
      `on a 2x screen every image decodes (${dpr2} dpr=2 renditions) ${[...broken2, ...seen2.badImages].join(' ')}`);
    check(seen2.consoleErrors.length === 0, `no console errors on a 2x screen ${seen2.consoleErrors.join(' | ')}`);
    await retina.close();
  } finally {
    await browser.close();
  }
}

const stack = await startViceroy();
console.log(`Viceroy demo on ${stack.base} (log ${stack.log})`);
try {
  await run(stack.base);
} catch (e) {
  check(false, `browser test crashed: ${e.stack ?? e}`);
} finally {
  stack.stop();
}
const trapped = traps(stack.log);
check(trapped.length === 0, `no traps or panics in the Viceroy log ${trapped.join(' | ')}`);
console.log(failures.length ? `browser: ${failures.length} check(s) failed` : 'browser: all checks passed');
process.exit(failures.length ? 1 : 0);
