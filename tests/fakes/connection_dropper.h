#pragma once

namespace wa::fakes {

// httplib 0.11 gives handlers no socket and always writes a response, so a
// dropped connection is made by finding this process's connected socket
// with the request's ports and shutting it down: the client then reads EOF
// with no answer, as when Meta's edge drops a connection. shutdown() (not
// close()) leaves the descriptor to httplib, which closes it as usual.
// peer_port < 0 shuts every connection accepted on local_port (used on
// Stop so idle keep-alive connections do not hold the pool for seconds).
void ShutdownConnections(int local_port, int peer_port);

}  // namespace wa::fakes
