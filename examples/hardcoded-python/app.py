"""Sign in with Discord the way Discord's documentation and most tutorials
write it: the API's address is a constant, https://discord.com/api/v10, and
nothing can point it elsewhere. Only the application's credentials and the
port come from the environment. Flask and requests (Debian: python3-flask
python3-requests).

The harness tests it unmodified by standing in for discord.com:

    build/bin/harness check-app --intercept-discord --app-cmd "python3 examples/hardcoded-python/app.py"

Sign-in done right: a random state in the session, compared and dropped in
the callback; only the user's id and name are kept; each call to Discord
has a timeout and its failures become an error page.
"""
import html
import os
import secrets
from urllib.parse import urlencode, urlparse

import requests
from flask import Flask, redirect, request, session

API_ENDPOINT = "https://discord.com/api/v10"
AUTHORIZE_URL = "https://discord.com/oauth2/authorize"
CLIENT_ID = os.environ["DISCORD_CLIENT_ID"]
CLIENT_SECRET = os.environ["DISCORD_CLIENT_SECRET"]
REDIRECT_URI = os.environ.get("DISCORD_REDIRECT_URI", "http://127.0.0.1:5000/callback")

app = Flask(__name__)
app.secret_key = secrets.token_bytes(32)
app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")


def show(title, text, status=200):
    return f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>" \
           f"<p>{html.escape(text)}</p><p><a href=\"/login\">Sign in with Discord</a></p>", status


def exchange_code(code):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    answer = requests.post(f"{API_ENDPOINT}/oauth2/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5)
    answer.raise_for_status()
    return answer.json()


def current_user(access_token):
    answer = requests.get(f"{API_ENDPOINT}/users/@me", headers={"Authorization": f"Bearer {access_token}"},
                          timeout=5)
    answer.raise_for_status()
    return answer.json()


@app.get("/")
def index():
    if "username" not in session:
        return show("Welcome", "You are not signed in.")
    return show("Signed in", f"Signed in as {session['username']} ({session['user_id']}).")


@app.get("/login")
def login():
    session["state"] = secrets.token_urlsafe(24)
    query = urlencode({"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "response_type": "code",
                       "scope": "identify", "state": session["state"]})
    return redirect(f"{AUTHORIZE_URL}?{query}")


@app.get(urlparse(REDIRECT_URI).path or "/callback")
def callback():
    state = session.pop("state", "")
    if not state or not secrets.compare_digest(state, request.args.get("state", "")):
        return show("Sign-in not recognised", "Please start again.", 400)
    if "code" not in request.args:
        return show("Sign-in cancelled", "Discord did not sign you in.", 400)
    try:
        user = current_user(exchange_code(request.args["code"])["access_token"])
    except (requests.RequestException, ValueError, KeyError) as error:
        app.logger.warning("sign-in failed: %s", error)
        return show("Sign-in failed", "Discord could not be reached or refused. Please try again.", 502)
    session.clear()
    session.update(user_id=user["id"], username=user["username"])
    return redirect("/")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
