"""Sign in with Discord: a complete Flask app, written the way Flask and
requests' documentation show, that passes scenarios/apps.

Configuration comes from the app contract's environment variables (PORT,
DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_REDIRECT_URI,
DISCORD_SCOPES, DISCORD_AUTHORIZE_URL, DISCORD_TOKEN_URL, DISCORD_API_BASE),
with Discord's real URLs as defaults. Debian: python3-flask python3-requests.

What makes it pass: a random `state` kept in the session and checked before
the code is used (login CSRF); the state is single use (replays); tokens
never leave the server (Flask's session cookie is signed, not encrypted, so
it only holds the state and the user's id and name); every call to Discord
has a timeout and its failures become error pages.
"""
import html
import os
import secrets
import urllib.parse

import requests
from flask import Flask, redirect, request, session

DISCORD = "https://discord.com"
CLIENT_ID = os.environ.get("DISCORD_CLIENT_ID", "")
CLIENT_SECRET = os.environ.get("DISCORD_CLIENT_SECRET", "")
REDIRECT_URI = os.environ.get("DISCORD_REDIRECT_URI", "http://127.0.0.1:5000/callback")
SCOPES = os.environ.get("DISCORD_SCOPES", "identify")
AUTHORIZE_URL = os.environ.get("DISCORD_AUTHORIZE_URL", DISCORD + "/oauth2/authorize")
TOKEN_URL = os.environ.get("DISCORD_TOKEN_URL", DISCORD + "/api/oauth2/token")
API_BASE = os.environ.get("DISCORD_API_BASE", DISCORD + "/api/v10")
TIMEOUT = 5  # seconds: Discord answers in well under one

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY") or secrets.token_hex(32)
app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                  SESSION_COOKIE_SECURE=REDIRECT_URI.startswith("https://"))


def page(status, title, text, link=True):
    body = f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
    if link:
        body += '<p><a href="/login">Sign in with Discord</a></p>'
    return body, status


class DiscordError(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status = status
        self.text = text


def call_discord(method, url, **kwargs):
    """One call to Discord; every failure becomes a DiscordError with the page to show."""
    try:
        answer = requests.request(method, url, timeout=TIMEOUT, **kwargs)
    except requests.Timeout:
        raise DiscordError(504, "Discord did not answer in time. Please try again.")
    except requests.RequestException:
        raise DiscordError(502, "Could not reach Discord. Please try again.")
    if answer.status_code == 429:
        wait = answer.headers.get("Retry-After", "a few")
        raise DiscordError(429, f"Discord is busy. Please try again in {wait} seconds.")
    if answer.status_code in (400, 401):
        raise DiscordError(400, "This sign-in could not be completed (the link may have expired). Please try again.")
    if answer.status_code != 200:
        raise DiscordError(502, "Discord had a problem. Please try again.")
    try:
        return answer.json()
    except ValueError:
        raise DiscordError(502, "Discord sent an answer we could not read. Please try again.")


@app.get("/")
def home():
    user = session.get("user")
    if not user:
        return page(200, "Welcome", "You are not signed in.")
    return page(200, "Signed in", f"Signed in as {user['username']} ({user['id']}).", link=False)


@app.get("/login")
def login():
    state = secrets.token_urlsafe(24)
    session["state"] = state
    query = urllib.parse.urlencode({"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
                                    "response_type": "code", "scope": SCOPES, "state": state})
    return redirect(f"{AUTHORIZE_URL}?{query}")


@app.get(urllib.parse.urlparse(REDIRECT_URI).path or "/callback")
def callback():
    expected = session.pop("state", None)  # single use: a replay finds none
    given = request.args.get("state")
    if not expected or not given or not secrets.compare_digest(expected, given):
        return page(400, "Sign-in not recognised", "This sign-in did not start here. Please start again.")
    if "error" in request.args:
        return page(400, "Sign-in cancelled", "You cancelled the sign-in.")
    code = request.args.get("code")
    if not code:
        return page(400, "Sign-in failed", "Discord sent no code.")
    try:
        tokens = call_discord("POST", TOKEN_URL, auth=(CLIENT_ID, CLIENT_SECRET),
                              data={"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": REDIRECT_URI})
        access_token = tokens.get("access_token")
        if not access_token:
            raise DiscordError(502, "Discord sent no token. Please try again.")
        user = call_discord("GET", f"{API_BASE}/users/@me",
                            headers={"Authorization": f"Bearer {access_token}"})
    except DiscordError as error:
        return page(error.status, "Sign-in failed", error.text)
    # Only who the user is goes into the cookie: the tokens stay here and are dropped.
    session.clear()
    session["user"] = {"id": user["id"], "username": user["username"]}
    return redirect("/")


@app.post("/logout")
def logout():
    session.clear()
    return redirect("/")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
