#ifndef WA_GATEWAY_LIMITED_STREAM_H_
#define WA_GATEWAY_LIMITED_STREAM_H_

#include <openssl/ssl.h>
#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/limited_server.h"
#include "httplib.h"

namespace wa::gateway {

// Waits for `events` (poll's) on `fd` at most `timeout`; true when ready.
bool WaitFor(int fd, short events, absl::Duration timeout);

// What a TLS call that did not complete waits for; 0 when it failed for good.
short TlsWait(SSL* ssl, int rc);

// A connection's socket as httplib reads and writes it (LimitedServer),
// buffered like httplib's own stream (it reads request lines a byte at a
// time), with a deadline for the whole request and a cap on its header
// bytes. With `ssl` (over a non-blocking socket) it reads and writes
// through TLS.
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

  void StartRequest();
  // The request was answered: its body no longer counts.
  void EndRequest() {
    body_memory_.fetch_sub(reserved_);
    reserved_ = 0;
  }
  void HeadersDone() { in_headers_ = false; }
  void AllowStreamingBody() { deadline_ = absl::Now() + limits_.streaming_body_timeout; }
  bool AdmitBody(size_t max_bytes, size_t reserve);
  void CloseAfterAnswer() { close_after_ = true; }
  bool close_after() const { return close_after_; }
  RequestProblem problem() const { return problem_; }
  size_t written() const { return written_; }

  // Request bytes already read from the socket (a pipelined request).
  bool HasBuffered() const { return pos_ < len_ || (ssl_ != nullptr && SSL_pending(ssl_) > 0); }

  // Sends an answer's head held back for its body (write()); after each
  // request, before the connection waits for the next or closes. False
  // when the connection failed.
  bool Flush();

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  // Over plain TCP, an answer whose head announces a body (Content-Length)
  // keeps the head until the body's first bytes come, and sends both in one
  // call: one segment on the wire, not two, and one wake-up of the client.
  // Streamed answers (no length: chunks, live events) and TLS records go
  // out as written.
  ssize_t write(const char* ptr, size_t size) override;

  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

 private:
  // Refills the buffer, waiting at most the read timeout and never past the
  // request's deadline.
  bool Fill();
  bool WaitForRequest(short events);
  // One read into the buffer, without waiting; sets `wait` to what a read
  // that found nothing yet needs (POLLIN, or TLS's want), 0 otherwise.
  ssize_t Receive(short& wait);
  // The held head, then `ptr`, in as few calls as the socket takes them;
  // the bytes of `ptr` sent, or -1.
  ssize_t Send(const char* ptr, size_t size);
  ssize_t WriteTls(const char* ptr, size_t size);

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
  std::string held_;    // an answer's head, waiting for its body
  char buffer_[16 * 1024];
  size_t pos_ = 0;
  size_t len_ = 0;
};

}  // namespace wa::gateway

#endif  // WA_GATEWAY_LIMITED_STREAM_H_
