// Sign in with Discord: a complete Go app on golang.org/x/oauth2, written
// the way its documentation shows, that passes scenarios/apps.
//
// Configuration comes from the app contract's environment variables (PORT,
// DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_REDIRECT_URI,
// DISCORD_SCOPES, DISCORD_AUTHORIZE_URL, DISCORD_TOKEN_URL, DISCORD_API_BASE),
// with Discord's real URLs as defaults. Debian: golang-go and
// golang-golang-x-oauth2-dev; build with GOPATH=/usr/share/gocode
// GO111MODULE=off (no module downloads).
//
// What makes it pass: a random `state` in a server-side session, checked
// before the code is used and used once; tokens never leave the server (the
// cookie holds only a random session id); AuthStyleInHeader, because the
// default auto-detection sends every refused code a second time; every call
// to Discord has a timeout and its failures become error pages.
package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

const sessionCookie = "sid"
const timeout = 5 * time.Second

type user struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

type session struct {
	state string
	user  *user
}

var (
	mu       sync.Mutex
	sessions = map[string]*session{}
)

func env(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func randomText() string {
	bytes := make([]byte, 24)
	if _, err := rand.Read(bytes); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(bytes)
}

func page(w http.ResponseWriter, status int, title, text string, link bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	body := fmt.Sprintf("<!doctype html><title>%s</title><h1>%s</h1><p>%s</p>", html.EscapeString(title),
		html.EscapeString(title), html.EscapeString(text))
	if link {
		body += `<p><a href="/login">Sign in with Discord</a></p>`
	}
	fmt.Fprint(w, body)
}

// The session of this browser, created on demand.
func sessionOf(w http.ResponseWriter, r *http.Request, secure bool) *session {
	mu.Lock()
	defer mu.Unlock()
	if cookie, err := r.Cookie(sessionCookie); err == nil {
		if s, ok := sessions[cookie.Value]; ok {
			return s
		}
	}
	id := randomText()
	s := &session{}
	sessions[id] = s
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure})
	return s
}

// The status and text of the page for a failed call to Discord.
func discordFailure(err error) (int, string) {
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) && retrieve.Response != nil {
		switch status := retrieve.Response.StatusCode; {
		case status == http.StatusTooManyRequests:
			return status, "Discord is busy. Please try again in " + retrieve.Response.Header.Get("Retry-After") + " seconds."
		case status == 400 || status == 401:
			return 400, "This sign-in could not be completed (the link may have expired). Please try again."
		}
		return 502, "Discord had a problem. Please try again."
	}
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
		return 504, "Discord did not answer in time. Please try again."
	}
	return 502, "Could not reach Discord. Please try again."
}

func main() {
	redirectURI := env("DISCORD_REDIRECT_URI", "http://127.0.0.1:8080/callback")
	apiBase := env("DISCORD_API_BASE", "https://discord.com/api/v10")
	secure := strings.HasPrefix(redirectURI, "https://")
	config := &oauth2.Config{
		ClientID:     os.Getenv("DISCORD_CLIENT_ID"),
		ClientSecret: os.Getenv("DISCORD_CLIENT_SECRET"),
		RedirectURL:  redirectURI,
		Scopes:       strings.Fields(env("DISCORD_SCOPES", "identify")),
		Endpoint: oauth2.Endpoint{
			AuthURL:   env("DISCORD_AUTHORIZE_URL", "https://discord.com/oauth2/authorize"),
			TokenURL:  env("DISCORD_TOKEN_URL", "https://discord.com/api/oauth2/token"),
			AuthStyle: oauth2.AuthStyleInHeader,
		},
	}
	httpClient := &http.Client{Timeout: timeout}
	callbackPath := "/callback"
	if parsed, err := url.Parse(redirectURI); err == nil && parsed.Path != "" {
		callbackPath = parsed.Path
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		s := sessionOf(w, r, secure)
		mu.Lock()
		u := s.user
		mu.Unlock()
		if u == nil {
			page(w, 200, "Welcome", "You are not signed in.", true)
			return
		}
		page(w, 200, "Signed in", fmt.Sprintf("Signed in as %s (%s).", u.Username, u.ID), false)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s := sessionOf(w, r, secure)
		state := randomText()
		mu.Lock()
		s.state = state
		mu.Unlock()
		http.Redirect(w, r, config.AuthCodeURL(state), http.StatusFound)
	})
	mux.HandleFunc(callbackPath, func(w http.ResponseWriter, r *http.Request) {
		s := sessionOf(w, r, secure)
		mu.Lock()
		expected := s.state
		s.state = "" // single use: a replay finds none
		mu.Unlock()
		query := r.URL.Query()
		given := query.Get("state")
		if expected == "" || subtle.ConstantTimeCompare([]byte(expected), []byte(given)) != 1 {
			page(w, 400, "Sign-in not recognised", "This sign-in did not start here. Please start again.", true)
			return
		}
		if query.Get("error") != "" {
			page(w, 400, "Sign-in cancelled", "You cancelled the sign-in.", true)
			return
		}
		code := query.Get("code")
		if code == "" {
			page(w, 400, "Sign-in failed", "Discord sent no code.", true)
			return
		}
		ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), oauth2.HTTPClient, httpClient), timeout)
		defer cancel()
		token, err := config.Exchange(ctx, code)
		if err != nil {
			status, text := discordFailure(err)
			page(w, status, "Sign-in failed", text, true)
			return
		}
		request, _ := http.NewRequestWithContext(ctx, "GET", apiBase+"/users/@me", nil)
		token.SetAuthHeader(request)
		answer, err := httpClient.Do(request)
		if err != nil {
			status, text := discordFailure(err)
			page(w, status, "Sign-in failed", text, true)
			return
		}
		defer answer.Body.Close()
		var u user
		switch {
		case answer.StatusCode == http.StatusTooManyRequests:
			page(w, 429, "Sign-in failed", "Discord is busy. Please try again in "+answer.Header.Get("Retry-After")+" seconds.", true)
			return
		case answer.StatusCode != 200:
			page(w, 502, "Sign-in failed", "Discord had a problem. Please try again.", true)
			return
		case json.NewDecoder(answer.Body).Decode(&u) != nil || u.ID == "":
			page(w, 502, "Sign-in failed", "Discord sent an answer we could not read. Please try again.", true)
			return
		}
		// Only who the user is stays: the token is dropped here.
		mu.Lock()
		s.user = &u
		mu.Unlock()
		http.Redirect(w, r, "/", http.StatusFound)
	})

	address := "127.0.0.1:" + env("PORT", "8080")
	log.Printf("listening on http://%s", address)
	log.Fatal(http.ListenAndServe(address, mux))
}
