#include "gateway/limited_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/http_response.h"

namespace wa::gateway {
namespace {

// Waits for `events` on `fd` at most `timeout`; true when ready.
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

// What a TLS call that did not complete waits for; 0 when it failed for good.
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

// A connection's socket as httplib reads and writes it, buffered like
// httplib's own stream (it reads request lines a byte at a time), with a
// deadline for the whole request and a cap on its header bytes. With `ssl`
// (over a non-blocking socket) it reads and writes through TLS.
class LimitedStream : public httplib::Stream {
 public:
  LimitedStream(int fd, SSL* ssl, absl::Duration read_timeout, absl::Duration write_timeout,
                const HttpLimits& limits, std::atomic<size_t>& body_memory)
      : fd_(fd),
        ssl_(ssl),
        read_timeout_(read_timeout),
        write_timeout_(write_timeout),
        limits_(limits),
        body_memory_(body_memory) {}
  ~LimitedStream() override { EndRequest(); }

  void StartRequest() {
    deadline_ = absl::Now() + limits_.request_timeout;
    in_headers_ = true;
    header_bytes_ = 0;
    problem_ = RequestProblem::kNone;
    written_ = 0;
    body_cap_ = SIZE_MAX;
    body_bytes_ = 0;
    close_after_ = false;
  }
  // The request was answered: its body no longer counts.
  void EndRequest() {
    body_memory_.fetch_sub(reserved_);
    reserved_ = 0;
  }
  void HeadersDone() { in_headers_ = false; }
  void AllowStreamingBody() { deadline_ = absl::Now() + limits_.streaming_body_timeout; }
  bool AdmitBody(size_t max_bytes, size_t reserve) {
    size_t in_use = body_memory_.load();
    do {
      if (in_use > 0 && in_use + reserve > limits_.max_body_memory) return false;
    } while (!body_memory_.compare_exchange_weak(in_use, in_use + reserve));
    reserved_ += reserve;
    body_cap_ = max_bytes;
    return true;
  }
  void CloseAfterAnswer() { close_after_ = true; }
  bool close_after() const { return close_after_; }
  RequestProblem problem() const { return problem_; }
  size_t written() const { return written_; }

  // Request bytes already read from the socket (a pipelined request).
  bool HasBuffered() const { return pos_ < len_ || (ssl_ != nullptr && SSL_pending(ssl_) > 0); }

  bool is_readable() const override {
    return HasBuffered() || WaitFor(fd_, POLLIN, std::min(read_timeout_, deadline_ - absl::Now()));
  }
  bool is_writable() const override { return WaitFor(fd_, POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
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

  ssize_t write(const char* ptr, size_t size) override {
    if (ssl_ != nullptr) return WriteTls(ptr, size);
    if (!is_writable()) return -1;
    ssize_t n = 0;
    do {
      n = send(fd_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n > 0) written_ += static_cast<size_t>(n);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    Address(fd_, true, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    Address(fd_, false, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  // Refills the buffer, waiting at most the read timeout and never past the
  // request's deadline.
  bool Fill() {
    // TLS may hold decrypted bytes the socket no longer shows: read first.
    short wait = ssl_ == nullptr ? POLLIN : 0;
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

  bool WaitForRequest(short events) {
    absl::Duration left = deadline_ - absl::Now();
    if (left > absl::ZeroDuration() && WaitFor(fd_, events, std::min(read_timeout_, left))) {
      return true;
    }
    // The request's deadline ended the wait, not the per-read timeout.
    if (left <= read_timeout_) problem_ = RequestProblem::kTimedOut;
    return false;
  }

  // One read into the buffer; sets `wait` to what a TLS read that could not
  // complete needs, 0 otherwise.
  ssize_t Receive(short& wait) {
    wait = 0;
    if (ssl_ != nullptr) {
      int n = SSL_read(ssl_, buffer_, sizeof(buffer_));
      if (n <= 0) wait = TlsWait(ssl_, n);
      return n;
    }
    ssize_t n = 0;
    do {
      n = recv(fd_, buffer_, sizeof(buffer_), 0);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  ssize_t WriteTls(const char* ptr, size_t size) {
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

  int fd_;
  SSL* ssl_;
  absl::Duration read_timeout_;
  absl::Duration write_timeout_;
  const HttpLimits& limits_;
  std::atomic<size_t>& body_memory_;
  size_t reserved_ = 0;  // of body_memory_, by the current request
  size_t body_cap_ = SIZE_MAX;
  size_t body_bytes_ = 0;
  bool close_after_ = false;
  absl::Time deadline_ = absl::InfiniteFuture();
  bool in_headers_ = true;
  size_t header_bytes_ = 0;
  RequestProblem problem_ = RequestProblem::kNone;
  size_t written_ = 0;  // bytes of the current request's answer
  char buffer_[16 * 1024];
  size_t pos_ = 0;
  size_t len_ = 0;
};

// The stream the calling thread serves, for the static hooks.
thread_local LimitedStream* current_stream = nullptr;
// Set while the accept thread runs a connection it must refuse.
thread_local bool refusing = false;

// Counts connections from accept to close and refuses those over the limit
// on the accepting thread, before they wait for a pool thread.
class CountingQueue : public httplib::TaskQueue {
 public:
  CountingQueue(httplib::TaskQueue* inner, std::atomic<int>& open, int max)
      : inner_(inner), open_(open), max_(max) {}
  ~CountingQueue() override { delete inner_; }

  void enqueue(std::function<void()> fn) override {
    if (open_.fetch_add(1) >= max_) {
      refusing = true;
      fn();  // answers 503 and closes without reading
      refusing = false;
      open_.fetch_sub(1);
      return;
    }
    inner_->enqueue([this, fn = std::move(fn)] {
      fn();
      open_.fetch_sub(1);
    });
  }
  void shutdown() override { inner_->shutdown(); }
  void on_idle() override { inner_->on_idle(); }

 private:
  httplib::TaskQueue* inner_;
  std::atomic<int>& open_;
  int max_;
};

absl::Duration Seconds(time_t sec, time_t usec) {
  return absl::Seconds(sec) + absl::Microseconds(usec);
}

}  // namespace

LimitedServer::LimitedServer(HttpLimits limits) : limits_(limits) {}

LimitedServer::~LimitedServer() { SSL_CTX_free(tls_); }

absl::Status LimitedServer::EnableTls(const std::string& cert_file, const std::string& key_file,
                                      const std::string& client_ca_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return absl::InternalError("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // httplib hands a partly written answer back as is: let TLS take part of
  // it and be called again from another address.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  bool ok = SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) == 1 &&
            SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) == 1 &&
            SSL_CTX_check_private_key(ctx) == 1;
  if (ok && !client_ca_file.empty()) {
    ok = SSL_CTX_load_verify_locations(ctx, client_ca_file.c_str(), nullptr) == 1;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  if (!ok) {
    SSL_CTX_free(ctx);
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load the TLS certificate ", cert_file, ", key ", key_file,
                     client_ca_file.empty() ? "" : absl::StrCat(" or client CA ", client_ca_file)));
  }
  SSL_CTX_free(tls_);
  tls_ = ctx;
  return absl::OkStatus();
}

SSL* LimitedServer::AcceptTls(socket_t sock) {
  fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
  SSL* ssl = SSL_new(tls_);
  if (ssl == nullptr) return nullptr;
  SSL_set_fd(ssl, sock);
  const absl::Time deadline = absl::Now() + limits_.request_timeout;
  for (;;) {
    int rc = SSL_accept(ssl);
    if (rc == 1) return ssl;
    short wait = TlsWait(ssl, rc);
    if (wait == 0 || !WaitFor(sock, wait, deadline - absl::Now())) {
      SSL_free(ssl);
      return nullptr;
    }
  }
}

httplib::TaskQueue* LimitedServer::CountingQueue(httplib::TaskQueue* inner) {
  return new class CountingQueue(inner, open_, limits_.max_connections);
}

bool LimitedServer::WidenBacklog(int backlog) {
  // listen() again on a listening socket only changes its backlog (Linux).
  return ::listen(svr_sock_, backlog) == 0;
}

void LimitedServer::AllowStreamingBody() {
  if (current_stream != nullptr) current_stream->AllowStreamingBody();
}

RequestProblem LimitedServer::CurrentProblem() {
  return current_stream == nullptr ? RequestProblem::kNone : current_stream->problem();
}

bool LimitedServer::AdmitBody(size_t max_bytes, size_t reserve) {
  return current_stream == nullptr || current_stream->AdmitBody(max_bytes, reserve);
}

void LimitedServer::CloseAfterAnswer() {
  if (current_stream != nullptr) current_stream->CloseAfterAnswer();
}

bool WriteLimitError(httplib::Response& res, RequestProblem problem) {
  switch (problem) {
    case RequestProblem::kTimedOut:
      WriteGatewayError(res, 408, "DEADLINE_EXCEEDED", "the request did not arrive in time");
      return true;
    case RequestProblem::kHeadersTooLarge:
      WriteGatewayError(res, 431, "INVALID_ARGUMENT", "request headers too large");
      return true;
    case RequestProblem::kBodyTooLarge:
      WriteGatewayError(res, 413, "PAYLOAD_TOO_LARGE", "request body too large");
      return true;
    case RequestProblem::kNone:
      break;
  }
  return false;
}

namespace {

// An answer written straight to the socket, for connections httplib never
// got to answer; the connection closes after it.
std::string RawAnswer(const httplib::Response& res, absl::string_view reason,
                      absl::string_view extra_headers = "") {
  return absl::StrCat("HTTP/1.1 ", res.status, " ", reason,
                      "\r\nContent-Type: application/json\r\nContent-Length: ", res.body.size(),
                      "\r\n", extra_headers, "Connection: close\r\n\r\n", res.body);
}

absl::string_view ReasonPhrase(int status) {
  switch (status) {
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    default:
      return "Request Header Fields Too Large";
  }
}

}  // namespace

void LimitedServer::AnswerProblem(httplib::Stream& stream) {
  httplib::Response res;
  LimitedStream& limited = static_cast<LimitedStream&>(stream);
  if (!WriteLimitError(res, limited.problem())) return;
  std::string answer = RawAnswer(res, ReasonPhrase(res.status));
  stream.write(answer.data(), answer.size());
}

void LimitedServer::Refuse(socket_t sock) {
  httplib::Response res;
  WriteGatewayError(
      res, 503, "UNAVAILABLE",
      absl::StrCat("too many connections (", limits_.max_connections, "); retry shortly"));
  std::string answer = RawAnswer(res, "Service Unavailable", "Retry-After: 1\r\n");
  // A fresh socket's send buffer takes this at once; never wait for the client.
  send(sock, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

namespace {

// Closing a socket with unread input makes the kernel reset the connection,
// which can destroy the answer before the client reads it; a client cut off
// mid-request is still sending. So: end our side, then read and drop what
// still comes for a moment before the close.
void LingeringClose(int sock) {
  shutdown(sock, SHUT_WR);
  char sink[4096];
  for (absl::Time until = absl::Now() + absl::Seconds(2); absl::Now() < until;) {
    if (!WaitFor(sock, POLLIN, absl::Milliseconds(100))) continue;
    if (recv(sock, sink, sizeof(sink), 0) <= 0) break;
  }
}

}  // namespace

bool LimitedServer::process_and_close_socket(socket_t sock) {
  if (refusing) {
    Refuse(sock);
    shutdown(sock, SHUT_RDWR);
    close(sock);
    return false;
  }
  SSL* ssl = tls_ == nullptr ? nullptr : AcceptTls(sock);
  if (tls_ != nullptr && ssl == nullptr) {
    close(sock);
    return false;
  }
  LimitedStream stream(sock, ssl, Seconds(read_timeout_sec_, read_timeout_usec_),
                       Seconds(write_timeout_sec_, write_timeout_usec_), limits_, body_memory_);
  current_stream = &stream;
  const absl::Duration idle = absl::Seconds(keep_alive_timeout_sec_);
  bool ok = false;
  for (size_t left = keep_alive_max_count_; left > 0; --left) {
    // Idle between requests: wake now and then so that stop() is prompt.
    absl::Time idle_until = absl::Now() + idle;
    bool readable = stream.HasBuffered();
    while (!readable && svr_sock_ != INVALID_SOCKET && absl::Now() < idle_until) {
      readable = WaitFor(sock, POLLIN, std::min(absl::Milliseconds(100), idle_until - absl::Now()));
    }
    if (!readable) break;
    stream.StartRequest();
    bool closed = false;
    ok = process_request(stream, left == 1, closed, [&stream](httplib::Request& req) {
      stream.HeadersDone();
      // Media downloads do not serve byte ranges (README): without this,
      // httplib would slice an answer its handler wrote whole.
      req.ranges.clear();
    });
    stream.EndRequest();
    if (stream.problem() != RequestProblem::kNone || stream.close_after()) {
      // The rest of a request over a limit is never parsed as another one.
      // httplib gives up on a request line that never ends without a word.
      if (stream.written() == 0) AnswerProblem(stream);
      LingeringClose(sock);
      break;
    }
    if (!ok || closed) break;
  }
  current_stream = nullptr;
  if (ssl != nullptr) {
    SSL_shutdown(ssl);  // close_notify, best effort
    SSL_free(ssl);
  }
  shutdown(sock, SHUT_RDWR);
  close(sock);
  return ok;
}

}  // namespace wa::gateway
