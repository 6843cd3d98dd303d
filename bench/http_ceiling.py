#!/usr/bin/env python3
"""http_ceiling: the mock's HTTP figures as ratios against controls started
in the same run (docs/benchmarks.md, "HTTP ceiling").

Controls: bench/static_server (cpp-httplib, fixed answers, same bytes as the
mock's) and oauth2-mock-server from npm, installed into a temporary folder
(never into the repository). Load: wrk, keep-alive and a new connection per
request (a Lua script adds Connection: close), and whole sign-in flows
(authorize -> token -> users/@me) on kept-alive connections. Then start-up to
the first answer, idle RSS, RSS after the load with the journal full, and a
new request's latency with 1,000 idle and 100 slowloris connections open.
Prints a table with each ratio and a verdict; writes JSON (--json).
Exit 0: every target met; 1: some missed; 3: could not run.
Only 127.0.0.1 is ever contacted (besides npm's registry for the install).
"""
import argparse
import http.client
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENT_ID = "157730590492196864"
CLIENT_SECRET = "mock-secret"
REDIRECT = "http://127.0.0.1:5000/callback"
USERS_ME = "/api/v10/users/@me"

CLOSE_LUA = 'wrk.headers["Connection"] = "close"\n'

# One connection per wrk thread (-c equal to -t): the flow's state is the thread's.
FLOW_LUA = r'''
local step, code, token = 0, nil, nil
local basic = "Basic " .. "%(basic)s"
local redirect = "%(redirect)s"
request = function()
  if step == 0 then
    return wrk.format("GET", "/oauth2/authorize?client_id=%(client_id)s&response_type=code&scope=identify&redirect_uri=" .. redirect)
  elseif step == 1 then
    return wrk.format("POST", "/api/oauth2/token",
      {["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = basic},
      "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" .. redirect)
  end
  return wrk.format("GET", "/api/v10/users/@me", {["Authorization"] = "Bearer " .. token})
end
response = function(status, headers, body)
  if step == 0 then
    code = (headers["Location"] or ""):match("code=([^&]+)") or "none"
    step = 1
  elseif step == 1 then
    token = body:match('"access_token": *"([^"]+)"') or "none"
    step = 2
  else
    step = 0
  end
end
'''


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(port, method, target, headers=None, body=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request(method, target, body=body, headers=headers or {})
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    return answer.status, dict(answer.getheaders()), data


def wait_listening(process, pattern):
    """The port a child prints on its first matching line."""
    while True:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"{process.args[0]} exited before listening")
        found = re.search(pattern, line)
        if found:
            return int(found.group(1))


def sign_in(port):
    """A whole flow by hand: the token body and the users/@me body."""
    import base64
    from urllib.parse import quote
    status, headers, _ = request(port, "GET", f"/oauth2/authorize?client_id={CLIENT_ID}&response_type=code"
                                 f"&scope=identify&redirect_uri={quote(REDIRECT, safe='')}")
    location = headers.get("Location", "")
    code = re.search(r"code=([^&]+)", location)
    if status != 302 or not code:
        raise RuntimeError(f"authorize answered {status} {location}")
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    status, _, token_body = request(port, "POST", "/api/oauth2/token",
                                    {"Content-Type": "application/x-www-form-urlencoded",
                                     "Authorization": "Basic " + basic},
                                    f"grant_type=authorization_code&code={code.group(1)}"
                                    f"&redirect_uri={quote(REDIRECT, safe='')}")
    if status != 200:
        raise RuntimeError(f"token answered {status}: {token_body!r}")
    token = json.loads(token_body)["access_token"]
    status, _, user_body = request(port, "GET", USERS_ME, {"Authorization": "Bearer " + token})
    if status != 200:
        raise RuntimeError(f"users/@me answered {status}")
    return token, token_body, user_body, basic


def wrk(url, seconds, threads, connections, script=None, headers=()):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds * 4 + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if not rate:
        raise RuntimeError("wrk printed no rate:\n" + output)
    return {"rps": float(rate.group(1)), "requests": int(total.group(1)) if total else 0,
            "non_2xx_3xx": int(bad.group(1)) if bad else 0,
            "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0}


def startup_ms(command, pattern):
    """Spawn to the first answer of GET /api/v10/users/@me, in ms."""
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        port = wait_listening(process, pattern)
        request(port, "GET", USERS_ME)
        return (time.perf_counter() - began) * 1000
    finally:
        process.terminate()
        process.wait()


def idle_and_slowloris(port, idle, slow):
    """Latencies (ms) of new requests with `idle` silent and `slow` half-sent connections open."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    held = []
    try:
        for _ in range(idle):
            held.append(socket.create_connection(("127.0.0.1", port)))
        for _ in range(slow):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /api/v10/users/@me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            held.append(s)
        time.sleep(0.2)  # let the server accept them all
        latencies = []
        for _ in range(20):
            began = time.perf_counter()
            request(port, "GET", USERS_ME, timeout=30)
            latencies.append((time.perf_counter() - began) * 1000)
        for s in held[idle:]:  # slowloris keeps trickling
            s.sendall(b"x")
        return latencies
    finally:
        for s in held:
            s.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"), help="where mock_discord and static_server are")
    parser.add_argument("--seconds", type=int, default=4, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every run; ratios are medians of rounds")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (request runs)")
    parser.add_argument("--npm-dir", default="", help="where oauth2-mock-server is (or is installed); default: a temp folder")
    parser.add_argument("--json", default="bench-http-ceiling.json", help="where to write the figures")
    args = parser.parse_args()

    for tool in ("wrk", "node", "npm"):
        if not shutil.which(tool):
            log(f"http_ceiling: {tool} is not installed (Debian packages wrk, nodejs, npm)")
            return 3
    mock_program = os.path.join(args.bin, "mock_discord")
    static_program = os.path.join(args.bin, "static_server")
    for program in (mock_program, static_program):
        if not os.access(program, os.X_OK):
            log(f"http_ceiling: {program} is missing: build the targets mock_discord_server and static_server")
            return 3

    work = tempfile.mkdtemp(prefix="http-ceiling-")
    npm_dir = args.npm_dir or os.path.join(work, "npm")
    npm_server = os.path.join(npm_dir, "node_modules", ".bin", "oauth2-mock-server")
    if not os.path.exists(npm_server):
        log("installing oauth2-mock-server with npm into", npm_dir)
        os.makedirs(npm_dir, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", npm_dir, "oauth2-mock-server"],
                       check=True, capture_output=True, timeout=600)
    config = os.path.join(work, "world.yaml")
    with open(config, "w") as f:
        f.write("consent: auto\n")
    children = []
    try:
        mock = subprocess.Popen([mock_program, "--config", config, "--port", "0"], stdout=subprocess.PIPE, text=True)
        children.append(mock)
        mock_port = wait_listening(mock, r"listening on http://[^:]+:(\d+)")
        time.sleep(0.2)
        idle_rss = rss_kib(mock.pid)
        token, token_body, user_body, basic = sign_in(mock_port)
        for name, body in (("user.json", user_body), ("token.json", token_body)):
            with open(os.path.join(work, name), "wb") as f:
                f.write(body)
        static = subprocess.Popen([static_program, "--user-body", os.path.join(work, "user.json"),
                                   "--token-body", os.path.join(work, "token.json"), "--redirect", REDIRECT],
                                  stdout=subprocess.PIPE, text=True)
        children.append(static)
        static_port = wait_listening(static, r"listening on (\d+)")
        npm_port = free_port()
        npm = subprocess.Popen(["node", npm_server, "-p", str(npm_port), "-a", "127.0.0.1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        children.append(npm)
        wait_listening(npm, rf"(?:listening|running)[^\n]*?:({npm_port})")
        request(static_port, "GET", USERS_ME)
        request(npm_port, "GET", "/userinfo")

        close_lua = os.path.join(work, "close.lua")
        with open(close_lua, "w") as f:
            f.write(CLOSE_LUA)
        flow_lua = os.path.join(work, "flow.lua")
        with open(flow_lua, "w") as f:
            f.write(FLOW_LUA % {"basic": basic, "client_id": CLIENT_ID,
                                "redirect": "http%3A%2F%2F127.0.0.1%3A5000%2Fcallback"})

        auth = f"Authorization: Bearer {token}"
        targets = {"mock": (mock_port, USERS_ME), "static": (static_port, USERS_ME), "oauth2-mock-server": (npm_port, "/userinfo")}
        # Rounds, the order rotating, so that a neighbour's load hits every server alike;
        # each ratio is taken within a round, then the median of the rounds is reported.
        rounds = []
        names = list(targets)
        for round_index in range(args.rounds):
            runs = {}
            order = names[round_index % len(names):] + names[:round_index % len(names)]
            for mode, script in (("keep-alive", None), ("close", close_lua)):
                for name in order:
                    port, path = targets[name]
                    log(f"round {round_index + 1}: wrk {mode} {name}")
                    runs[(mode, name)] = wrk(f"http://127.0.0.1:{port}{path}", args.seconds, args.threads,
                                             args.connections, script, [auth])
            for name in [n for n in order if n != "oauth2-mock-server"]:
                log(f"round {round_index + 1}: wrk flows {name}")
                port = targets[name][0]
                run = wrk(f"http://127.0.0.1:{port}", args.seconds, args.threads, args.threads, flow_lua)
                run["flows_per_s"] = run["rps"] / 3
                runs[("flows", name)] = run
            rounds.append(runs)
        total_requests = sum(json.loads(request(mock_port, "GET", "/_mock/counts")[2])["requests"].values())
        rss_after = rss_kib(mock.pid)
        log("1,000 idle + 100 slowloris connections")
        latencies = idle_and_slowloris(mock_port, 1000, 100)
        rss_crowded = rss_kib(mock.pid)
        log("start-up")
        startups = [startup_ms([mock_program, "--config", config, "--port", "0"], r"listening on http://[^:]+:(\d+)")
                    for _ in range(5)]
        static_command = [static_program, "--user-body", os.path.join(work, "user.json"),
                          "--token-body", os.path.join(work, "token.json")]
        static_startups = [startup_ms(static_command, r"listening on (\d+)") for _ in range(5)]
        exec_only = []
        for _ in range(5):  # the floor: loading the program and its libraries, no server
            began = time.perf_counter()
            subprocess.run([mock_program, "--help"], stdout=subprocess.DEVNULL, check=True)
            exec_only.append((time.perf_counter() - began) * 1000)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        shutil.rmtree(work, ignore_errors=True)

    def ratio(a, b):
        return statistics.median(r[a]["rps"] / r[b]["rps"] if r[b]["rps"] else 0.0 for r in rounds)

    rows = [
        ("users/@me req/s, keep-alive: mock / static", ratio(("keep-alive", "mock"), ("keep-alive", "static")), ">= 0.9", lambda v: v >= 0.9),
        ("users/@me req/s, new connections: mock / static", ratio(("close", "mock"), ("close", "static")), ">= 0.9", lambda v: v >= 0.9),
        ("full flows/s: mock / static", ratio(("flows", "mock"), ("flows", "static")), ">= 0.9", lambda v: v >= 0.9),
        ("req/s, keep-alive: mock / oauth2-mock-server", ratio(("keep-alive", "mock"), ("keep-alive", "oauth2-mock-server")), ">= 1.5", lambda v: v >= 1.5),
        ("req/s, new connections: mock / oauth2-mock-server", ratio(("close", "mock"), ("close", "oauth2-mock-server")), ">= 1.5", lambda v: v >= 1.5),
        ("start-up to first answer, ms (median of 5)", statistics.median(startups), "< 10", lambda v: v < 10),
        ("  the same for static_server, ms (control)", statistics.median(static_startups), "-", lambda v: True),
        ("  mock_discord --help (exec and dynamic linking only), ms", statistics.median(exec_only), "-", lambda v: True),
        ("idle RSS, MiB", idle_rss / 1024, "< 10", lambda v: v < 10),
        (f"RSS after {total_requests:,} requests (journal full), MiB", rss_after / 1024, "< 32", lambda v: v < 32),
        ("new request with 1,000 idle + 100 slowloris open, ms (median of 20)", statistics.median(latencies), "< 50", lambda v: v < 50),
        ("RSS with those connections open, MiB", rss_crowded / 1024, "< 32", lambda v: v < 32),
    ]
    print(f"# http_ceiling {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"load {open('/proc/loadavg').read().split()[0]}, wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, {args.rounds} rounds")
    print(f"{'run (req/s of each round)':<32} {'req/s':>26} {'non-2xx/3xx':>12} {'sock errs':>10}")
    for key in rounds[0]:
        mode, name = key
        rates = " / ".join(f"{r[key]['rps']:.0f}" for r in rounds)
        bad = sum(r[key]["non_2xx_3xx"] for r in rounds)
        errors = sum(r[key]["socket_errors"] for r in rounds)
        print(f"{mode + ' ' + name:<32} {rates:>26} {bad:>12} {errors:>10}")
    print()
    print(f"{'figure':<72} {'value':>9} {'target':>8}  verdict")
    met_all = True
    results = []
    for label, value, target, check in rows:
        met = check(value)
        met_all &= met
        print(f"{label:<72} {value:>9.2f} {target:>8}  {'met' if met else 'MISSED'}")
        results.append({"figure": label, "value": round(value, 3), "target": target, "met": met})
    figures = {"when": time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), "cores": os.cpu_count(),
               "load": open('/proc/loadavg').read().split()[0],
               "wrk": {"threads": args.threads, "connections": args.connections, "seconds": args.seconds, "rounds": args.rounds},
               "rounds": [{f"{mode} {name}": run for (mode, name), run in r.items()} for r in rounds],
               "startup_ms": startups, "static_startup_ms": static_startups, "exec_only_ms": exec_only, "idle_latency_ms": latencies, "figures": results}
    with open(args.json, "w") as f:
        json.dump(figures, f, indent=2)
    print(f"\nfigures written to {args.json}")
    return 0 if met_all else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        log(f"http_ceiling: could not run: {error}")
        sys.exit(3)
