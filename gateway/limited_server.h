#ifndef WA_GATEWAY_LIMITED_SERVER_H_
#define WA_GATEWAY_LIMITED_SERVER_H_

#include <atomic>
#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "httplib.h"

namespace wa::gateway {

// Limits cpp-httplib 0.11 does not enforce by itself. Its read timeout
// applies to each read, so a client dripping a byte a second holds a pool
// thread forever; it does not cap the headers' total size, and connections
// beyond its pool wait in an unbounded queue.
struct HttpLimits {
  // The request line, headers and (non-streaming) body must arrive within this.
  absl::Duration request_timeout = absl::Seconds(30);
  // A streamed body (media upload, up to 100 MB) may take this from when
  // its handler starts.
  absl::Duration streaming_body_timeout = absl::Minutes(10);
  // Request line plus headers.
  size_t max_header_bytes = 64 * 1024;
  // Open connections, served or waiting for a thread; beyond them a new
  // connection is answered 503 and closed.
  int max_connections = 512;
  // Bytes of request bodies held in memory at once (AdmitBody's
  // reservations); past them a request with a body is answered 503. Counted
  // in bytes, not requests: a hundred small JSON bodies cost less than one
  // near its cap.
  size_t max_body_memory = 64 << 20;
};

// Why the current request failed to arrive, for the error renderer.
enum class RequestProblem { kNone, kTimedOut, kHeadersTooLarge, kBodyTooLarge };

// The contract's error for a request that broke a limit (408, 431, 413);
// false for kNone.
bool WriteLimitError(httplib::Response& res, RequestProblem problem);

// httplib::Server serving each connection through a stream that enforces
// HttpLimits, in plain HTTP or TLS. It replaces httplib's own per-connection
// loop (the virtual process_and_close_socket) and keeps everything else of
// httplib: parsing, routing, keep-alive semantics and timeouts. (httplib's
// SSLServer has its own loop, which would drop the limits.)
class LimitedServer : public httplib::Server {
 public:
  explicit LimitedServer(HttpLimits limits);
  ~LimitedServer() override;

  // Serves HTTPS with this PEM certificate (chain) and key; with a client
  // CA, every client must present a certificate it signed. Before listening.
  absl::Status EnableTls(const std::string& cert_file, const std::string& key_file,
                         const std::string& client_ca_file);

  // The pool (or any TaskQueue) wrapped so that connections are counted
  // from the moment they are accepted. Pass as new_task_queue's product.
  httplib::TaskQueue* CountingQueue(httplib::TaskQueue* inner);

  // From a streaming handler on the serving thread: its body may take
  // HttpLimits::streaming_body_timeout from now.
  static void AllowStreamingBody();
  // From the error handler on the serving thread: why the request failed.
  static RequestProblem CurrentProblem();
  // From the pre-routing handler on the serving thread, before the body is
  // read: the body may take at most `max_bytes` off the wire (chunk framing
  // included), so a chunked or length-less body is cut off there too. It
  // also reserves `reserve` bytes of HttpLimits::max_body_memory until the
  // request is answered; false when they do not fit (nothing is taken; a
  // request that is alone always fits).
  static bool AdmitBody(size_t max_bytes, size_t reserve);
  // From the pre-routing handler: the answer is given without reading the
  // body, so the connection closes after it (draining, not resetting).
  static void CloseAfterAnswer();

  int open_connections() const { return open_.load(); }
  size_t body_memory_in_use() const { return body_memory_.load(); }

  // After binding: lets `backlog` connections wait to be accepted instead
  // of the 5 cpp-httplib's compiled-in listen() allows, so that a burst of
  // new clients is not dropped and retried a second later.
  bool WidenBacklog(int backlog);

 private:
  bool process_and_close_socket(socket_t sock) override;
  void Refuse(socket_t sock);
  void AnswerProblem(httplib::Stream& stream);
  // The TLS handshake within the request timeout; null when it fails.
  SSL* AcceptTls(socket_t sock);

  HttpLimits limits_;
  SSL_CTX* tls_ = nullptr;  // set by EnableTls
  std::atomic<int> open_{0};
  std::atomic<size_t> body_memory_{0};  // reserved by bodies being read or held
};

}  // namespace wa::gateway

#endif  // WA_GATEWAY_LIMITED_SERVER_H_
