"""A deliberately naive tutorial app: DO NOT COPY. It is here so that the
app-agnostic suite can show what it catches (see tests: naive_app_fails).

What is wrong with it, on purpose:
- no `state`: anyone can make your browser open /callback with *their*
  code, and you are signed in as them (login CSRF);
- the access token travels in the URL (/profile?token=...): it lands in
  the browser's history, server logs and Referer headers.
"""
import os
import urllib.parse

import requests
from flask import Flask, redirect, request

CLIENT_ID = os.environ.get("DISCORD_CLIENT_ID", "")
CLIENT_SECRET = os.environ.get("DISCORD_CLIENT_SECRET", "")
REDIRECT_URI = os.environ.get("DISCORD_REDIRECT_URI", "http://127.0.0.1:5000/callback")
AUTHORIZE_URL = os.environ.get("DISCORD_AUTHORIZE_URL", "https://discord.com/oauth2/authorize")
TOKEN_URL = os.environ.get("DISCORD_TOKEN_URL", "https://discord.com/api/oauth2/token")
API_BASE = os.environ.get("DISCORD_API_BASE", "https://discord.com/api/v10")

app = Flask(__name__)


@app.get("/")
def home():
    return '<a href="/login">Sign in with Discord</a>'


@app.get("/login")
def login():
    query = urllib.parse.urlencode({"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
                                    "response_type": "code", "scope": "identify"})
    return redirect(f"{AUTHORIZE_URL}?{query}")


@app.get("/callback")
def callback():
    answer = requests.post(TOKEN_URL, data={"grant_type": "authorization_code", "code": request.args["code"],
                                            "redirect_uri": REDIRECT_URI,
                                            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    return redirect("/profile?token=" + answer.json()["access_token"])


@app.get("/profile")
def profile():
    user = requests.get(f"{API_BASE}/users/@me",
                        headers={"Authorization": "Bearer " + request.args["token"]}).json()
    return f"Hello {user['username']}!"


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
