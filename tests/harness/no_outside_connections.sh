#!/bin/sh
# With interception on, an app that hard-codes https://discord.com signs in
# while no connection to any outside address is even attempted. Runs the
# harness and the app in a network namespace of their own (unshare -rn: an
# unprivileged user namespace) where every IPv4 and IPv6 address is made
# local, and a recorder listens on the ports an escape would use (TCP 80,
# 443, 53 and UDP 53 on every address): a DNS query or a connection to
# anything outside lands there. The recorder is first shown to catch one.
#
#   no_outside_connections.sh HARNESS SCENARIO APP_COMMAND
# Exit 77 (ctest's SKIP_RETURN_CODE) where unprivileged namespaces or `ip`
# (iproute2) are missing.
set -eu
harness=$1 scenario=$2 app=$3
if ! unshare -rn true 2>/dev/null; then
  echo "SKIP: unprivileged user and network namespaces (unshare -rn) are not available here"
  exit 77
fi
if ! command -v ip >/dev/null; then
  echo "SKIP: ip (iproute2) is not installed: scripts/setup all installs it"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkfifo "$work/ready"
export harness scenario app work
unshare -rn sh -eu -c '
ip link set lo up
ip route add local 0.0.0.0/0 dev lo table local
ip -6 route add local ::/0 dev lo table local
python3 -c "
import socket, sys, threading
log = open(sys.argv[1], \"a\", buffering=1)
def tcp(port):
    s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0); s.bind((\"::\", port)); s.listen(64)
    while True:
        c, peer = s.accept(); log.write(\"tcp %s:%d from %s\n\" % (c.getsockname()[0], port, peer[0])); c.close()
def udp(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0); s.bind((\"::\", port))
    while True:
        data, peer = s.recvfrom(4096); log.write(\"udp %d from %s\n\" % (port, peer[0]))
for port in (80, 443, 53): threading.Thread(target=tcp, args=(port,), daemon=True).start()
threading.Thread(target=udp, args=(53,), daemon=True).start()
print(\"ready\", flush=True)
threading.Event().wait()
" "$work/caught" > "$work/ready" &
recorder=$!
trap "kill $recorder 2>/dev/null || true" EXIT
read -r line < "$work/ready"
# The control: an escape is caught (so that the check below can fail). The
# recorder logs before it closes: the end of file says the line is written.
python3 -c "import socket; socket.create_connection((\"203.0.113.7\", 443), timeout=5).recv(1)"
grep -q "203.0.113.7" "$work/caught" || { echo "FAILED: the recorder did not catch the control connection"; exit 1; }
echo "control: the recorder caught $(cat "$work/caught")"
: > "$work/caught"
status=0
"$harness" run "$scenario" --intercept-discord --app-cmd "$app" --app-ready-timeout 60s || status=$?
if [ -s "$work/caught" ]; then
  echo "FAILED: connections to outside addresses were attempted during the run:"
  cat "$work/caught"
  exit 1
fi
echo "no connection to any outside address was attempted (recorder on TCP 80, 443, 53 and UDP 53 of every address)"
exit $status
'
