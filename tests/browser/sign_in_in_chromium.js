// A person's sign-in in a real browser: headless Chromium opens the
// reference app, presses "Login with Discord", sees the mock's consent page,
// presses Authorize by its documented selector (docs/mock_discord.md) and
// ends signed in; then opens the mock's /_mock/ page. The mock and the app
// are started here on free ports and stopped at the end. Screenshots go to
// the artifacts folder (CI keeps it).
//   node sign_in_in_chromium.js BIN_DIR ARTIFACTS_DIR
'use strict';
const { spawn } = require('child_process');
const net = require('net');
const path = require('path');
const { launch, check, skipWithoutChromium } = require('./chromium');

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));

// The app must know its own port before it starts (its redirect URI names it).
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts a program and resolves with the first stdout line matching `ready`
// (the program says where it listens), or rejects when it exits or is silent
// for 30 s.
function start(program, args, env, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${program} said nothing ready in 30 s:\n${output}`)), 30000);
    const onData = (data) => {
      output += data;
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (data) => { output += data; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${program} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

async function main() {
  skipWithoutChromium();
  const [bin, artifacts] = process.argv.slice(2);
  const appPort = await freePort();
  const app = `http://127.0.0.1:${appPort}`;
  const mock = await start(path.join(bin, 'mock_discord'), ['--port', '0', '--app-url', app], {},
                           /mock_discord listening on (\S+)/);
  await start(path.join(bin, 'reference_app'), [], {
    PORT: String(appPort),
    DISCORD_CLIENT_ID: '157730590492196864',
    DISCORD_CLIENT_SECRET: 'mock-secret',
    DISCORD_REDIRECT_URI: `${app}/callback`,
    DISCORD_SCOPES: 'identify email',
    DISCORD_AUTHORIZE_URL: `${mock}/oauth2/authorize`,
    DISCORD_TOKEN_URL: `${mock}/api/oauth2/token`,
    DISCORD_API_BASE: `${mock}/api/v10`,
  }, /reference_app listening on (\S+)/);

  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 820 } });
    await page.goto(`${app}/`);
    await page.getByText('Login with Discord').click();
    await page.waitForSelector('[data-testid=consent-page]');
    check(page.url().startsWith(`${mock}/oauth2/authorize`), `the browser is on the mock's consent page (${page.url()})`);
    check((await page.textContent('[data-testid=consent-app-name]')).trim() === 'Airhorn', 'it names the app');
    check((await page.textContent('[data-testid=consent-user-display-name]')).trim() === 'Nelly', 'it names the user');
    const scopes = await page.$$eval('[data-testid=consent-scope]', (all) => all.map((li) => li.dataset.scope));
    check(scopes.join(' ') === 'identify email', `it lists the scopes asked for (${scopes})`);
    const card = await page.$eval('[data-testid=consent-page]', (element) => getComputedStyle(element).backgroundColor);
    check(card === 'rgb(49, 51, 56)', `the card is Discord's dark grey (${card})`);
    const button = await page.$eval('[data-testid=consent-authorize]', (element) => getComputedStyle(element).backgroundColor);
    check(button === 'rgb(88, 101, 242)', `Authorize is Discord's blurple (${button})`);
    const icon = await page.locator('[data-testid=consent-app-icon]').boundingBox();
    check(icon && icon.width === 80 && icon.height === 80, 'the app icon is drawn');
    await page.screenshot({ path: path.join(artifacts, 'consent-page.png') });

    await page.click('[data-testid=consent-authorize]');
    await page.waitForURL(`${app}/me`);
    const body = await page.textContent('body');
    check(body.includes('nelly'), 'after Authorize the app shows the signed-in user');
    await page.screenshot({ path: path.join(artifacts, 'signed-in.png') });
    await page.goto(`${app}/me`);
    check((await page.textContent('body')).includes('nelly'), 'the session holds across pages');

    await page.goto(`${mock}/_mock/`);
    check(await page.isVisible('#access-tokens'), "the mock's page shows its tokens");
    const tokens = await page.$$eval('#access-tokens tbody tr', (rows) => rows.length);
    check(tokens === 1, `one live access token (${tokens})`);
    const journal = await page.textContent('#journal');
    check(journal.includes('POST /api/oauth2/token'), 'the journal shows the token exchange');
    check(!(await page.content()).includes('mock-secret'), 'no client secret on the page');
    await page.screenshot({ path: path.join(artifacts, 'mock-admin.png'), fullPage: true });
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error.message || error);
  process.exit(1);
});
