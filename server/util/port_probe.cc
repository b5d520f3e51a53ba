#include "server/util/port_probe.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace wa::util {

absl::Status ProbeListen(const std::string& host, int port) {
  if (port == 0) return absl::OkStatus();
  std::string name(absl::StripSuffix(absl::StripPrefix(host, "["), "]"));
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* addresses = nullptr;
  std::string service = std::to_string(port);
  if (getaddrinfo(name.c_str(), service.c_str(), &hints, &addresses) != 0 || addresses == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot resolve ", host));
  }
  int fd = socket(addresses->ai_family, addresses->ai_socktype, addresses->ai_protocol);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int result = fd < 0 ? -1 : bind(fd, addresses->ai_addr, addresses->ai_addrlen);
  int error = errno;
  if (fd >= 0) close(fd);
  freeaddrinfo(addresses);
  if (result != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", host, ":", port, ": ", std::strerror(error)));
  }
  return absl::OkStatus();
}

}  // namespace wa::util
