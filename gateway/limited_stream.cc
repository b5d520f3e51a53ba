#include "gateway/limited_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace wa::gateway {
namespace {

void Address(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                : getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    auto* in = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof(text));
    port = ntohs(in->sin6_port);
  }
  ip = text;
}

// Whether `bytes` is an answer's head that announces a body of some length:
// its body's first bytes are then the next write.
bool AnnouncesBody(absl::string_view bytes) {
  if (!absl::StartsWith(bytes, "HTTP/") || !absl::EndsWith(bytes, "\r\n\r\n")) return false;
  constexpr absl::string_view kLength = "\r\ncontent-length:";
  for (size_t at = 0; at + kLength.size() < bytes.size(); ++at) {
    if (!absl::EqualsIgnoreCase(bytes.substr(at, kLength.size()), kLength)) continue;
    absl::string_view value = absl::StripLeadingAsciiWhitespace(bytes.substr(at + kLength.size()));
    return !value.empty() && value[0] >= '1' && value[0] <= '9';
  }
  return false;
}

}  // namespace

bool WaitFor(int fd, short events, absl::Duration timeout) {
  pollfd p{fd, events, 0};
  // Rounded up: a wait cut short of the deadline would look like data.
  int ms = static_cast<int>(
      std::max<int64_t>(0, absl::ToInt64Milliseconds(absl::Ceil(timeout, absl::Milliseconds(1)))));
  int n = 0;
  do {
    n = poll(&p, 1, ms);
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

short TlsWait(SSL* ssl, int rc) {
  switch (SSL_get_error(ssl, rc)) {
    case SSL_ERROR_WANT_READ:
      return POLLIN;
    case SSL_ERROR_WANT_WRITE:
      return POLLOUT;
    default:
      return 0;
  }
}

void LimitedStream::StartRequest() {
  deadline_ = absl::Now() + limits_.request_timeout;
  in_headers_ = true;
  header_bytes_ = 0;
  problem_ = RequestProblem::kNone;
  written_ = 0;
  body_cap_ = SIZE_MAX;
  body_bytes_ = 0;
  close_after_ = false;
}

bool LimitedStream::AdmitBody(size_t max_bytes, size_t reserve) {
  size_t in_use = body_memory_.load();
  do {
    if (in_use > 0 && in_use + reserve > limits_.max_body_memory) return false;
  } while (!body_memory_.compare_exchange_weak(in_use, in_use + reserve));
  reserved_ += reserve;
  body_cap_ = max_bytes;
  return true;
}

bool LimitedStream::is_readable() const {
  return HasBuffered() || WaitFor(fd_, POLLIN, std::min(read_timeout_, deadline_ - absl::Now()));
}

bool LimitedStream::is_writable() const { return WaitFor(fd_, POLLOUT, write_timeout_); }

ssize_t LimitedStream::read(char* ptr, size_t size) {
  if (pos_ == len_ && !Fill()) return -1;
  size_t n = std::min(size, len_ - pos_);
  if (in_headers_ && (header_bytes_ += n) > limits_.max_header_bytes) {
    problem_ = RequestProblem::kHeadersTooLarge;
    return -1;
  }
  // Counted as httplib takes the bytes, so a chunked body or one without
  // a length stops at its cap like one whose length was declared.
  if (!in_headers_ && (body_bytes_ += n) > body_cap_) {
    problem_ = RequestProblem::kBodyTooLarge;
    return -1;
  }
  std::memcpy(ptr, buffer_ + pos_, n);
  pos_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t LimitedStream::write(const char* ptr, size_t size) {
  if (ssl_ != nullptr) return WriteTls(ptr, size);
  if (written_ == 0 && AnnouncesBody(absl::string_view(ptr, size))) {
    held_.assign(ptr, size);
    written_ = size;
    return static_cast<ssize_t>(size);
  }
  ssize_t n = Send(ptr, size);
  if (n > 0) written_ += static_cast<size_t>(n);
  return n;
}

bool LimitedStream::Flush() { return held_.empty() || Send(nullptr, 0) >= 0; }

ssize_t LimitedStream::Send(const char* ptr, size_t size) {
  for (;;) {
    iovec parts[2] = {{held_.data(), held_.size()}, {const_cast<char*>(ptr), size}};
    msghdr message{};
    message.msg_iov = held_.empty() ? parts + 1 : parts;
    message.msg_iovlen = held_.empty() ? 1 : 2;
    // Never blocks: a full socket waits in poll, within the write timeout.
    ssize_t n = sendmsg(fd_, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      bool full = errno == EAGAIN || errno == EWOULDBLOCK;
      if (full && WaitFor(fd_, POLLOUT, write_timeout_)) continue;
      held_.clear();
      return -1;
    }
    size_t of_held = std::min(static_cast<size_t>(n), held_.size());
    held_.erase(0, of_held);
    if (held_.empty()) return n - static_cast<ssize_t>(of_held);
  }
}

void LimitedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  Address(fd_, true, ip, port);
}

void LimitedStream::get_local_ip_and_port(std::string& ip, int& port) const {
  Address(fd_, false, ip, port);
}

bool LimitedStream::Fill() {
  // Read first, wait only if nothing is there: a request usually is (the
  // connection's loop waited for it), and TLS may hold decrypted bytes the
  // socket no longer shows.
  short wait = 0;
  for (;;) {
    if (wait != 0 && !WaitForRequest(wait)) return false;
    ssize_t n = Receive(wait);
    if (n > 0) {
      pos_ = 0;
      len_ = static_cast<size_t>(n);
      return true;
    }
    if (wait == 0) return false;  // closed or failed
  }
}

bool LimitedStream::WaitForRequest(short events) {
  absl::Duration left = deadline_ - absl::Now();
  if (left > absl::ZeroDuration() && WaitFor(fd_, events, std::min(read_timeout_, left))) {
    return true;
  }
  // The request's deadline ended the wait, not the per-read timeout.
  if (left <= read_timeout_) problem_ = RequestProblem::kTimedOut;
  return false;
}

ssize_t LimitedStream::Receive(short& wait) {
  wait = 0;
  if (ssl_ != nullptr) {
    int n = SSL_read(ssl_, buffer_, sizeof(buffer_));
    if (n <= 0) wait = TlsWait(ssl_, n);
    return n;
  }
  ssize_t n = 0;
  do {
    n = recv(fd_, buffer_, sizeof(buffer_), MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) wait = POLLIN;
  return n;
}

ssize_t LimitedStream::WriteTls(const char* ptr, size_t size) {
  for (;;) {
    int n = SSL_write(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT32_MAX)));
    if (n > 0) {
      written_ += static_cast<size_t>(n);
      return n;
    }
    short wait = TlsWait(ssl_, n);
    if (wait == 0 || !WaitFor(fd_, wait, write_timeout_)) return -1;
  }
}

}  // namespace wa::gateway
