/* libdiscord_intercept.so: loaded into an app under test with LD_PRELOAD
 * when the harness stands in for discord.com (docs/hardcoded-discord.md).
 *
 * Why a preload and not only the proxy variables: Node's fetch and https
 * ignore HTTPS_PROXY, and countless apps build their own clients; what they
 * all share is libc's getaddrinfo() and connect(). So:
 *   - getaddrinfo() of one of Discord's names (DISCORD_INTERCEPT_HOSTS and
 *     their subdomains) answers a reserved loopback address, and connect()
 *     to that address on port 443 goes to the mock (DISCORD_INTERCEPT_TO);
 *   - every other name that is not local is refused without being looked up
 *     (a DNS query would itself leave the machine), and every connect() or
 *     sendto() towards a non-loopback address fails with ENETUNREACH;
 *   - each refusal is written to stderr, naming the host, so that the report
 *     shows why the app failed.
 * Statically linked programs (Go) never call these: the harness's CONNECT
 * proxy covers them through the proxy variables.
 *
 * The variables are read once, in the constructor: the app may change its
 * environment later. The hooks allocate nothing but what the real
 * getaddrinfo() does. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Where Discord's names seem to live for the app: an address in 127/8 that
 * nothing listens on, so that only connect() to it is redirected. */
#define STAND_IN_ADDRESS "127.3.9.1"
#define MAX_HOSTS 16
#define MAX_HOST_LENGTH 253

typedef int (*getaddrinfo_fn)(const char*, const char*, const struct addrinfo*, struct addrinfo**);
typedef int (*connect_fn)(int, const struct sockaddr*, socklen_t);
typedef ssize_t (*sendto_fn)(int, const void*, size_t, int, const struct sockaddr*, socklen_t);
typedef ssize_t (*sendmsg_fn)(int, const struct msghdr*, int);

static getaddrinfo_fn real_getaddrinfo;
static connect_fn real_connect;
static sendto_fn real_sendto;
static sendmsg_fn real_sendmsg;

static char hosts[MAX_HOSTS][MAX_HOST_LENGTH + 1];
static int host_count;
static struct in_addr stand_in;
static struct sockaddr_in target; /* the mock's TLS listener */
static int active;                /* both variables were valid */

static void say(const char* text) {
  size_t length = strlen(text);
  while (length > 0) {
    ssize_t written = write(STDERR_FILENO, text, length);
    if (written <= 0) return;
    text += written;
    length -= (size_t)written;
  }
}

static void read_hosts(const char* list) {
  while (list && *list && host_count < MAX_HOSTS) {
    while (*list == ' ' || *list == ',') ++list;
    size_t length = strcspn(list, " ,");
    if (length > 0 && length <= MAX_HOST_LENGTH) {
      for (size_t i = 0; i < length; ++i) hosts[host_count][i] = (char)tolower((unsigned char)list[i]);
      hosts[host_count][length] = '\0';
      ++host_count;
    }
    list += length;
  }
}

/* "127.0.0.1:PORT" */
static int read_target(const char* text) {
  if (!text) return 0;
  const char* colon = strrchr(text, ':');
  if (!colon || colon - text >= 64) return 0;
  char address[64];
  memcpy(address, text, (size_t)(colon - text));
  address[colon - text] = '\0';
  char* end = NULL;
  long port = strtol(colon + 1, &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535) return 0;
  memset(&target, 0, sizeof target);
  target.sin_family = AF_INET;
  target.sin_port = htons((unsigned short)port);
  return inet_pton(AF_INET, address, &target.sin_addr) == 1;
}

__attribute__((constructor)) static void start_intercepting(void) {
  real_getaddrinfo = (getaddrinfo_fn)dlsym(RTLD_NEXT, "getaddrinfo");
  real_connect = (connect_fn)dlsym(RTLD_NEXT, "connect");
  real_sendto = (sendto_fn)dlsym(RTLD_NEXT, "sendto");
  real_sendmsg = (sendmsg_fn)dlsym(RTLD_NEXT, "sendmsg");
  inet_pton(AF_INET, STAND_IN_ADDRESS, &stand_in);
  read_hosts(getenv("DISCORD_INTERCEPT_HOSTS"));
  active = host_count > 0 && read_target(getenv("DISCORD_INTERCEPT_TO"));
  if (!active)
    say("[discord-intercept] DISCORD_INTERCEPT_HOSTS or DISCORD_INTERCEPT_TO is missing or invalid: "
        "every connection that is not loopback is refused\n");
}

/* The name in lower case without a trailing dot; 0 when too long. */
static int normalise(const char* name, char* out) {
  size_t length = strlen(name);
  if (length > 0 && name[length - 1] == '.') --length;
  if (length == 0 || length > MAX_HOST_LENGTH) return 0;
  for (size_t i = 0; i < length; ++i) out[i] = (char)tolower((unsigned char)name[i]);
  out[length] = '\0';
  return 1;
}

static int ends_with_label(const char* name, const char* suffix) {
  size_t name_length = strlen(name), suffix_length = strlen(suffix);
  if (name_length == suffix_length) return strcmp(name, suffix) == 0;
  return name_length > suffix_length && name[name_length - suffix_length - 1] == '.' &&
         strcmp(name + name_length - suffix_length, suffix) == 0;
}

static int is_discord_name(const char* name) {
  for (int i = 0; i < host_count; ++i)
    if (ends_with_label(name, hosts[i])) return 1;
  return 0;
}

static int is_local_name(const char* name) {
  char own[MAX_HOST_LENGTH + 2];
  if (strcmp(name, "localhost") == 0 || ends_with_label(name, "localhost")) return 1;
  if (gethostname(own, sizeof own) == 0) {
    own[sizeof own - 1] = '\0';
    if (strcasecmp(name, own) == 0) return 1;
  }
  return 0;
}

static int is_numeric(const char* name) {
  unsigned char buffer[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, name, buffer) == 1 || inet_pton(AF_INET6, name, buffer) == 1;
}

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints, struct addrinfo** result) {
  char name[MAX_HOST_LENGTH + 1];
  if (!node || is_numeric(node)) return real_getaddrinfo(node, service, hints, result);
  if (!normalise(node, name)) return EAI_NONAME;
  if (is_local_name(name)) return real_getaddrinfo(node, service, hints, result);
  if (active && is_discord_name(name)) {
    struct addrinfo numeric;
    memset(&numeric, 0, sizeof numeric);
    if (hints) numeric = *hints;
    numeric.ai_flags = (numeric.ai_flags & ~(AI_CANONNAME | AI_ADDRCONFIG)) | AI_NUMERICHOST;
    if (numeric.ai_family == AF_INET6) {
      numeric.ai_flags |= AI_V4MAPPED;
      return real_getaddrinfo("::ffff:" STAND_IN_ADDRESS, service, &numeric, result);
    }
    numeric.ai_family = AF_INET;
    return real_getaddrinfo(STAND_IN_ADDRESS, service, &numeric, result);
  }
  char message[MAX_HOST_LENGTH + 256];
  snprintf(message, sizeof message,
           "[discord-intercept] refused to look up '%s': during a test run only Discord's names reach the mock, "
           "and nothing leaves this machine\n",
           name);
  say(message);
  return EAI_NONAME;
}

/* The IPv4 address of an AF_INET or v4-mapped AF_INET6 address, else 0. */
static int ipv4_of(const struct sockaddr* address, socklen_t length, struct in_addr* out, unsigned short* port) {
  if (address->sa_family == AF_INET && length >= (socklen_t)sizeof(struct sockaddr_in)) {
    const struct sockaddr_in* in = (const struct sockaddr_in*)address;
    *out = in->sin_addr;
    *port = ntohs(in->sin_port);
    return 1;
  }
  if (address->sa_family == AF_INET6 && length >= (socklen_t)sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)address;
    if (!IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) return 0;
    memcpy(&out->s_addr, &in6->sin6_addr.s6_addr[12], 4);
    *port = ntohs(in6->sin6_port);
    return 1;
  }
  return 0;
}

/* Loopback, unspecified (0.0.0.0 and :: mean this host) or not an IP address. */
static int stays_here(const struct sockaddr* address, socklen_t length) {
  if (!address || length < (socklen_t)sizeof(sa_family_t)) return 1;
  struct in_addr ipv4;
  unsigned short port;
  if (ipv4_of(address, length, &ipv4, &port))
    return (ntohl(ipv4.s_addr) >> 24) == 127 || ipv4.s_addr == htonl(INADDR_ANY);
  if (address->sa_family == AF_INET6 && length >= (socklen_t)sizeof(struct sockaddr_in6)) {
    const struct in6_addr* in6 = &((const struct sockaddr_in6*)address)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(in6) || IN6_IS_ADDR_UNSPECIFIED(in6);
  }
  return address->sa_family != AF_INET && address->sa_family != AF_INET6;
}

static void refuse_address(const struct sockaddr* address, socklen_t length) {
  char text[INET6_ADDRSTRLEN] = "?";
  unsigned short port = 0;
  struct in_addr ipv4;
  if (ipv4_of(address, length, &ipv4, &port)) {
    inet_ntop(AF_INET, &ipv4, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)address;
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  }
  char message[INET6_ADDRSTRLEN + 256];
  snprintf(message, sizeof message,
           "[discord-intercept] refused a connection to %s port %u: during a test run nothing leaves this machine\n",
           text, port);
  say(message);
  errno = ENETUNREACH;
}

int connect(int fd, const struct sockaddr* address, socklen_t length) {
  struct in_addr ipv4;
  unsigned short port = 0;
  if (address && ipv4_of(address, length, &ipv4, &port) && ipv4.s_addr == stand_in.s_addr) {
    if (!active || port != 443) {
      say(port != 443 ? "[discord-intercept] refused plain http to Discord: it answers on https (port 443) only\n"
                      : "[discord-intercept] refused: no mock to send Discord's connections to\n");
      errno = ECONNREFUSED;
      return -1;
    }
    if (address->sa_family == AF_INET) return real_connect(fd, (const struct sockaddr*)&target, sizeof target);
    struct sockaddr_in6 mapped = *(const struct sockaddr_in6*)address;
    mapped.sin6_port = target.sin_port;
    memcpy(&mapped.sin6_addr.s6_addr[12], &target.sin_addr.s_addr, 4);
    return real_connect(fd, (const struct sockaddr*)&mapped, sizeof mapped);
  }
  if (!stays_here(address, length)) {
    refuse_address(address, length);
    return -1;
  }
  return real_connect(fd, address, length);
}

ssize_t sendto(int fd, const void* buffer, size_t size, int flags, const struct sockaddr* address, socklen_t length) {
  if (address && !stays_here(address, length)) {
    refuse_address(address, length);
    return -1;
  }
  return real_sendto(fd, buffer, size, flags, address, length);
}

ssize_t sendmsg(int fd, const struct msghdr* message, int flags) {
  if (message && message->msg_name && !stays_here((const struct sockaddr*)message->msg_name, message->msg_namelen)) {
    refuse_address((const struct sockaddr*)message->msg_name, message->msg_namelen);
    return -1;
  }
  return real_sendmsg(fd, message, flags);
}
