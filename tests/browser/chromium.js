// Debian's chromium driven by playwright-core (Playwright's own browser
// download is not used: nothing downloads but Debian and npm packages).
// Shared by the real-browser tests; each exits 77 (ctest's SKIP) when there
// is no chromium.
'use strict';
const fs = require('fs');

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

function skipWithoutChromium() {
  if (!fs.existsSync(executablePath)) {
    console.log(`SKIP: no chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`);
    process.exit(77);
  }
}

async function launch() {
  skipWithoutChromium();
  const { chromium } = require('playwright-core');
  // Playwright gives each launch a new, empty profile of its own.
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

// A failed check names what was expected; the caller exits 1.
function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

module.exports = { launch, check, skipWithoutChromium };
