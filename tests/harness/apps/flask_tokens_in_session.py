"""Test app: signs in correctly (state checked) but keeps both tokens in
Flask's session cookie, as Discord's own example app does. The cookie is
signed, not encrypted: scenarios/apps/leaks.yaml must fail it."""
import os
import secrets
import urllib.parse

import requests
from flask import Flask, redirect, request, session

app = Flask(__name__)
app.secret_key = secrets.token_hex(16)
env = os.environ


@app.get("/")
def home():
    return f"Signed in as {session['user']}" if "user" in session else "Welcome"


@app.get("/login")
def login():
    session["state"] = secrets.token_urlsafe(16)
    query = urllib.parse.urlencode({"client_id": env["DISCORD_CLIENT_ID"], "redirect_uri": env["DISCORD_REDIRECT_URI"],
                                    "response_type": "code", "scope": "identify", "state": session["state"]})
    return redirect(env["DISCORD_AUTHORIZE_URL"] + "?" + query)


@app.get("/callback")
def callback():
    if request.args.get("state") != session.pop("state", None):
        return "Bad state", 400
    tokens = requests.post(env["DISCORD_TOKEN_URL"], timeout=5,
                           auth=(env["DISCORD_CLIENT_ID"], env["DISCORD_CLIENT_SECRET"]),
                           data={"grant_type": "authorization_code", "code": request.args["code"],
                                 "redirect_uri": env["DISCORD_REDIRECT_URI"]}).json()
    session["oauth2_token"] = tokens
    user = requests.get(env["DISCORD_API_BASE"] + "/users/@me", timeout=5,
                        headers={"Authorization": "Bearer " + tokens["access_token"]}).json()
    session["user"] = user["username"]
    return redirect("/")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(env["PORT"]))
