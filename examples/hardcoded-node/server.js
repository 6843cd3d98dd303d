// Sign in with Discord through the npm `discord-oauth2` library, as its
// README shows it. The library builds https://discord.com/oauth2/authorize
// links and calls https://discord.com/api itself, with no way to change the
// host: the harness tests this app unmodified by standing in for discord.com:
//
//   build/bin/harness check-app --intercept-discord --app-cmd "node examples/hardcoded-node/server.js"
//
// Only node:http besides the library. The application's credentials and the
// port come from the environment (DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET,
// DISCORD_REDIRECT_URI, PORT). Sessions live in memory behind an HttpOnly
// cookie; the state is random, compared, and used once.
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const DiscordOauth2 = require('discord-oauth2');

const REDIRECT_URI = process.env.DISCORD_REDIRECT_URI || 'http://127.0.0.1:3000/callback';
const oauth = new DiscordOauth2({
  clientId: process.env.DISCORD_CLIENT_ID,
  clientSecret: process.env.DISCORD_CLIENT_SECRET,
  redirectUri: REDIRECT_URI,
  requestTimeout: 5000,
});

const sessions = new Map(); // session id -> { state, user }
const MAX_SESSIONS = 10000;

function sessionOf(req, res) {
  const match = /(?:^|;\s*)sid=([0-9a-f]{64})/.exec(req.headers.cookie || '');
  if (match && sessions.has(match[1])) return sessions.get(match[1]);
  if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
  const id = crypto.randomBytes(32).toString('hex');
  const session = {};
  sessions.set(id, session);
  res.setHeader('Set-Cookie', `sid=${id}; Path=/; HttpOnly; SameSite=Lax`);
  return session;
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function show(res, status, title, text) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>${escape(title)}</title><h1>${escape(title)}</h1><p>${escape(text)}</p>` +
          '<p><a href="/login">Sign in with Discord</a></p>');
}

function sameText(a, b) {
  return typeof a === 'string' && typeof b === 'string' && a.length === b.length &&
    crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

async function callback(req, res, query) {
  const session = sessionOf(req, res);
  const expected = session.state;
  delete session.state; // used once: a replayed callback finds none
  if (!expected || !sameText(query.get('state'), expected)) {
    return show(res, 400, 'Sign-in not recognised', 'Please start again.');
  }
  if (!query.get('code')) return show(res, 400, 'Sign-in cancelled', 'Discord did not sign you in.');
  try {
    const tokens = await oauth.tokenRequest({ code: query.get('code'), scope: 'identify', grantType: 'authorization_code' });
    const user = await oauth.getUser(tokens.access_token);
    for (const key of Object.keys(session)) delete session[key];
    session.user = { id: user.id, username: user.username };
    res.writeHead(302, { Location: '/' });
    res.end();
  } catch (error) {
    console.error('sign-in failed:', error.message);
    show(res, 502, 'Sign-in failed', 'Discord could not be reached or refused. Please try again.');
  }
}

const callbackPath = new URL(REDIRECT_URI).pathname;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/login') {
    const session = sessionOf(req, res);
    session.state = crypto.randomBytes(24).toString('base64url');
    res.writeHead(302, { Location: oauth.generateAuthUrl({ scope: ['identify'], state: session.state }) });
    return res.end();
  }
  if (req.method === 'GET' && url.pathname === callbackPath) return callback(req, res, url.searchParams);
  if (req.method === 'GET' && url.pathname === '/') {
    const { user } = sessionOf(req, res);
    if (!user) return show(res, 200, 'Welcome', 'You are not signed in.');
    return show(res, 200, 'Signed in', `Signed in as ${user.username} (${user.id}).`);
  }
  show(res, 404, 'Not found', 'There is nothing here.');
});
server.listen(Number(process.env.PORT || 3000), '127.0.0.1');
