// Socket choices shared by every listener of the project.
#pragma once

namespace support {

// SO_REUSEADDR (a restarted server gets its port back at once) and NOT
// SO_REUSEPORT, which cpp-httplib sets by default: with it, two servers of
// one user can bind the same port and silently share its connections, so a
// port collision between parallel scenarios would mix their traffic instead
// of failing loudly. Pass it to httplib::Server::set_socket_options.
void reuse_address_only(int socket_fd);

// A port nothing listens on now, for a server that must be told its port
// before it starts (an app's redirect URI names it). Chosen at random below
// the kernel's ephemeral range, so that no port-0 bind by anyone can take it
// in the meantime. Throws SystemError when none can be found.
int pick_free_port();

// Whether something accepts TCP connections on 127.0.0.1:port now.
bool accepts_connections(int port);

}  // namespace support
