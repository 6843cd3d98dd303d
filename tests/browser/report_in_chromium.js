// The HTML report in a real browser: the failure is listed first, the
// filter hides passed scenarios with and without scripts, each diagram has a
// lane per party that took part, an arrow opens its exchange. Screenshots go
// to the artifacts folder (CI keeps it).
//   node report_in_chromium.js REPORT.html ARTIFACTS_DIR
'use strict';
const path = require('path');
const { launch, check } = require('./chromium');

async function visibleScenarios(page) {
  return page.$$eval('main .scenario', (all) =>
    all.filter((s) => getComputedStyle(s).display !== 'none').map((s) => s.dataset.outcome));
}

async function main() {
  const [report, artifacts] = process.argv.slice(2);
  const url = 'file://' + path.resolve(report);
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const blocked = [];
    page.on('request', (request) => { if (!request.url().startsWith('file:')) blocked.push(request.url()); });
    await page.goto(url);
    check(blocked.length === 0, `the report loads nothing from outside (${blocked.join(', ') || 'none'})`);
    await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });

    const outcomes = await visibleScenarios(page);
    check(outcomes.length >= 4, `every scenario is listed (${outcomes.join(', ')})`);
    check(outcomes[0] === 'failed', 'the failure is listed first');
    check(outcomes[outcomes.length - 1] === 'skipped', 'the skipped scenario is listed last');
    const failedCount = await page.textContent('[data-count=failed] b');
    check(failedCount.trim() === '1', 'the summary counts one failure');
    check(await page.isVisible('#by-tag tr[data-tag=report-fixture]'), 'the summary has a row per tag');

    const failed = page.locator('main .scenario[data-outcome=failed]');
    check(await failed.locator('.about').isVisible(), "the failed scenario's about: is shown");
    check(await failed.locator('.step[data-verdict=failed]').count() === 1, 'one step is marked failed');
    check(await failed.locator('.step[data-verdict="not run"]').count() === 1, 'the step after it was not run');
    const lanes = await failed.locator('svg g.lane').evaluateAll((all) => all.map((g) => g.dataset.party));
    check(lanes.join(',') === 'browser,app,discord', `the diagram has only the lanes that took part (${lanes})`);
    check(await failed.locator('svg .failure-mark[data-step="2"]').isVisible(), 'the failure is drawn on step 2');
    check(await failed.locator('svg a.arrow.back-channel').count() >= 2, "the app's calls to Discord are drawn");
    const box = await failed.locator('svg.sequence').boundingBox();
    check(box && box.width > 300 && box.height > 100, 'the diagram is rendered with a size');
    const overflowing = await page.$$eval('.scenario *', (all) => all.filter((e) => e.scrollWidth > e.clientWidth + 1 &&
        getComputedStyle(e).overflowX === 'visible').map((e) => e.tagName + '.' + e.className));
    check(overflowing.length === 0, `no text runs out of its box: long URLs wrap (${overflowing.join(', ') || 'none'})`);
    await failed.locator('.diagram').screenshot({ path: path.join(artifacts, 'report-diagram.png') });

    // An arrow opens its exchange (the redacted request and answer).
    const arrow = failed.locator('svg a.arrow.back-channel').first();
    const target = (await arrow.getAttribute('href')).slice(1);
    check(!(await page.locator(`[id="${target}"]`).evaluate((d) => d.open)), 'the exchange starts closed');
    await arrow.click();
    check(await page.locator(`[id="${target}"]`).evaluate((d) => d.open), 'clicking an arrow opens its exchange');
    const request = await page.locator(`[id="${target}"] pre.request`).textContent();
    check(request.includes('code=[redacted]'), 'the exchange shows the request with its code redacted');

    await page.click('label[for=show-failed]');
    let shown = await visibleScenarios(page);
    check(shown.length === 1 && shown[0] === 'failed', `the filter shows only the failure (${shown})`);
    await page.screenshot({ path: path.join(artifacts, 'report-failed-only.png'), fullPage: true });

    await page.fill('#search', 'csrf');
    await page.click('label[for=show-all]');
    shown = await visibleScenarios(page);
    check(shown.length === 1 && shown[0] === 'passed', `the search keeps only the matching scenario (${shown})`);

    // Without scripts: everything readable, the filter still works.
    const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const noScript = await plain.newPage();
    await noScript.goto(url);
    check(!(await noScript.isVisible('#search')), 'without scripts the search box stays hidden');
    await noScript.click('label[for=show-passed]');
    shown = await visibleScenarios(noScript);
    check(shown.length >= 2 && shown.every((o) => o === 'passed'), `without scripts the filter works (${shown})`);
    await noScript.screenshot({ path: path.join(artifacts, 'report-no-script-passed.png'), fullPage: true });
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
