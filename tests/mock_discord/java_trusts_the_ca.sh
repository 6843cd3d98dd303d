#!/bin/sh
# Java trusts the mock's https through the truststore it writes, given the
# way the harness hands it to Java apps (JAVA_TOOL_OPTIONS), and without it
# refuses the certificate (so the first check can fail).
#
#   java_trusts_the_ca.sh MOCK_DISCORD
# Exit 77 (ctest's SKIP_RETURN_CODE) where no JDK (java 11+) is installed.
set -eu
mock=$1
if ! command -v java >/dev/null; then
  echo "SKIP: no java here (a JDK 11 or newer runs this check)"
  exit 77
fi
work=$(mktemp -d)
mkfifo "$work/out"
"$mock" --tls --port 0 --ca-out "$work/ca.pem" --truststore-out "$work/trust.jks" > "$work/out" &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true; rm -rf "$work"' EXIT
read -r banner < "$work/out"
port=${banner##*:}
cat > "$work/Get.java" <<'JAVA'
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class Get {
  public static void main(String[] arguments) throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(arguments[0])).build(), HttpResponse.BodyHandlers.ofString());
    System.out.println(answer.statusCode() + " " + answer.body());
  }
}
JAVA
url="https://127.0.0.1:$port/api/users/@me"
trusted=$(JAVA_TOOL_OPTIONS="-Djavax.net.ssl.trustStore=$work/trust.jks -Djavax.net.ssl.trustStoreType=JKS -Djavax.net.ssl.trustStorePassword=changeit" \
  java "$work/Get.java" "$url" 2>&1) || true
echo "with the truststore: $trusted"
case "$trusted" in
  *'401 {"message": "401: Unauthorized", "code": 0}'*) ;;
  *) echo "FAILED: Java did not reach the mock through the truststore"; exit 1 ;;
esac
untrusted=$(java "$work/Get.java" "$url" 2>&1) && { echo "FAILED: Java reached the mock without being handed its CA"; exit 1; }
case "$untrusted" in
  *PKIX*|*SSLHandshakeException*) echo "without it: refused, as it must be" ;;
  *) echo "FAILED: without the truststore Java failed otherwise: $untrusted"; exit 1 ;;
esac
