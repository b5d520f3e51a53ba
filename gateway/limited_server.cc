#include "gateway/limited_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/http_response.h"
#include "gateway/limited_stream.h"

namespace wa::gateway {
namespace {

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
    if (!stream.Flush()) ok = false;
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
