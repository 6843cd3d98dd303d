// Sign in with Discord: a complete Express app, written the way Express and
// express-session document it, that passes scenarios/apps.
//
// Configuration comes from the app contract's environment variables (PORT,
// DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_REDIRECT_URI,
// DISCORD_SCOPES, DISCORD_AUTHORIZE_URL, DISCORD_TOKEN_URL, DISCORD_API_BASE),
// with Discord's real URLs as defaults. Needs Node 18+ (global fetch).
//
// What makes it pass: a random `state` in the server-side session, checked
// before the code is used and used once; tokens never leave the server (the
// cookie holds only the session id); every call to Discord has a timeout and
// its failures become error pages.
'use strict';

const crypto = require('node:crypto');
const express = require('express');
const session = require('express-session');

const env = process.env;
const DISCORD = 'https://discord.com';
const CLIENT_ID = env.DISCORD_CLIENT_ID || '';
const CLIENT_SECRET = env.DISCORD_CLIENT_SECRET || '';
const REDIRECT_URI = env.DISCORD_REDIRECT_URI || 'http://127.0.0.1:3000/callback';
const SCOPES = env.DISCORD_SCOPES || 'identify';
const AUTHORIZE_URL = env.DISCORD_AUTHORIZE_URL || `${DISCORD}/oauth2/authorize`;
const TOKEN_URL = env.DISCORD_TOKEN_URL || `${DISCORD}/api/oauth2/token`;
const API_BASE = env.DISCORD_API_BASE || `${DISCORD}/api/v10`;
const TIMEOUT_MS = 5000;

const app = express();
app.set('trust proxy', 1); // behind ngrok the browser speaks https
app.use(session({
  secret: env.SESSION_SECRET || crypto.randomBytes(32).toString('hex'),
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, sameSite: 'lax', secure: REDIRECT_URI.startsWith('https://') },
}));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, title, text, link = true) {
  res.status(status).type('html').send(
    `<!doctype html><title>${escape(title)}</title><h1>${escape(title)}</h1><p>${escape(text)}</p>` +
    (link ? '<p><a href="/login">Sign in with Discord</a></p>' : ''));
}

class DiscordError extends Error {
  constructor(status, text) {
    super(text);
    this.status = status;
  }
}

// One call to Discord; every failure becomes a DiscordError with the page to show.
async function callDiscord(url, options) {
  let answer;
  try {
    answer = await fetch(url, { ...options, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    if (error.name === 'TimeoutError') throw new DiscordError(504, 'Discord did not answer in time. Please try again.');
    throw new DiscordError(502, 'Could not reach Discord. Please try again.');
  }
  if (answer.status === 429) {
    const wait = answer.headers.get('retry-after') || 'a few';
    throw new DiscordError(429, `Discord is busy. Please try again in ${wait} seconds.`);
  }
  if (answer.status === 400 || answer.status === 401) {
    throw new DiscordError(400, 'This sign-in could not be completed (the link may have expired). Please try again.');
  }
  if (answer.status !== 200) throw new DiscordError(502, 'Discord had a problem. Please try again.');
  try {
    return await answer.json();
  } catch {
    throw new DiscordError(502, 'Discord sent an answer we could not read. Please try again.');
  }
}

app.get('/', (req, res) => {
  const user = req.session.user;
  if (!user) return page(res, 200, 'Welcome', 'You are not signed in.');
  page(res, 200, 'Signed in', `Signed in as ${user.username} (${user.id}).`, false);
});

app.get('/login', (req, res) => {
  const state = crypto.randomBytes(24).toString('base64url');
  req.session.state = state;
  const query = new URLSearchParams({
    client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: SCOPES, state,
  });
  res.redirect(`${AUTHORIZE_URL}?${query}`);
});

app.get(new URL(REDIRECT_URI).pathname, async (req, res) => {
  const expected = req.session.state;
  delete req.session.state; // single use: a replay finds none
  const given = typeof req.query.state === 'string' ? req.query.state : '';
  const same = expected && given.length === expected.length &&
    crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!same) return page(res, 400, 'Sign-in not recognised', 'This sign-in did not start here. Please start again.');
  if (req.query.error) return page(res, 400, 'Sign-in cancelled', 'You cancelled the sign-in.');
  const code = req.query.code;
  if (typeof code !== 'string' || !code) return page(res, 400, 'Sign-in failed', 'Discord sent no code.');
  try {
    const tokens = await callDiscord(TOKEN_URL, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: 'Basic ' + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }),
    });
    if (typeof tokens.access_token !== 'string') throw new DiscordError(502, 'Discord sent no token. Please try again.');
    const user = await callDiscord(`${API_BASE}/users/@me`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    // A new session id at sign-in; only who the user is goes into it.
    req.session.regenerate((error) => {
      if (error) return page(res, 500, 'Sign-in failed', 'Could not start a session.');
      req.session.user = { id: user.id, username: user.username };
      res.redirect('/');
    });
  } catch (error) {
    if (error instanceof DiscordError) return page(res, error.status, 'Sign-in failed', error.message);
    throw error;
  }
});

app.post('/logout', (req, res) => {
  req.session.destroy(() => res.redirect('/'));
});

const port = Number(env.PORT || 3000);
app.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
