#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wa::provider {

struct HttpResponse {
  int status = 0;
  std::string body;
  // Names lower-cased, in arrival order; only the final response's headers
  // (not those of a 100 Continue or a redirect).
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header of that name (case-insensitive), or "" if absent.
  std::string Header(absl::string_view name) const;
};

// One field of a multipart/form-data body: either a literal value or a file
// streamed from disk while sending (so large media never sit in memory).
struct MultipartField {
  std::string name;
  std::string value;
  std::string file_path;     // set for a file part
  std::string content_type;  // for a file part; curl guesses when empty
  std::string filename;      // for a file part; defaults to the path's basename

  static MultipartField Value(std::string name, std::string value);
  static MultipartField File(std::string name, std::string path, std::string content_type);
};

struct HttpRequest {
  enum class Method { kGet, kPost };
  Method method = Method::kGet;
  std::string url;
  // Complete header lines ("Authorization: Bearer ..."). Never logged.
  std::vector<std::string> headers;
  // For a POST: a raw body, or multipart fields when `multipart` is non-empty.
  std::string body;
  std::vector<MultipartField> multipart;
  // Overrides the client's total timeout for this request (uploads take
  // longer than sends); zero keeps the default.
  absl::Duration timeout = absl::ZeroDuration();
  // When set, a 2xx answer's body is handed here piece by piece instead of
  // being kept in HttpResponse::body (large downloads); false aborts.
  std::function<bool(absl::string_view)> body_sink;
  // Pins host names to addresses ("host:port:address", curl's
  // CURLOPT_RESOLVE), so a request goes exactly where a policy check of
  // those addresses allowed it, whatever DNS answers meanwhile.
  std::vector<std::string> resolve;
};

// A small blocking HTTP client over libcurl, safe to use from several
// threads at once.
//
// Connection reuse: each curl easy handle keeps its own live connections, so
// handles are pooled and handed back after every request instead of being
// created per call; a worker that sends again usually gets the handle (and
// the warm TCP/TLS connection) it used last. A handle is never used by two
// threads at the same time.
//
// Transport failures come back as a status: kDeadlineExceeded for a timeout,
// kUnavailable for connection problems, kInvalidArgument for a bad URL,
// kFailedPrecondition when a file to upload cannot be read. Any HTTP answer,
// 4xx and 5xx included, is an HttpResponse.
class HttpClient {
 public:
  struct Options {
    absl::Duration connect_timeout = absl::Seconds(3);
    absl::Duration request_timeout = absl::Seconds(10);
    // Idle handles kept for reuse; more concurrent requests than this still
    // work, their extra handles are closed afterwards.
    int max_idle_handles = 16;
    std::string user_agent = "wa-server";
    // Keeps at most this much of a response body (0: all of it), so an
    // endpoint we do not control cannot fill our memory; the rest is read
    // and dropped.
    size_t max_response_bytes = 0;
    // The proxy to use ("" : none). libcurl would otherwise take one from
    // http_proxy, https_proxy or ALL_PROXY in the environment, which would
    // resolve a webhook's host itself, past the address checks and the pin.
    std::string proxy;
  };

  explicit HttpClient(Options options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request);

  absl::StatusOr<HttpResponse> PostJson(std::string url, std::vector<std::string> headers,
                                        std::string body);
  absl::StatusOr<HttpResponse> PostMultipart(std::string url, std::vector<std::string> headers,
                                             std::vector<MultipartField> fields,
                                             absl::Duration timeout = absl::ZeroDuration());
  absl::StatusOr<HttpResponse> Get(std::string url, std::vector<std::string> headers);
  // A GET whose 2xx body goes to `sink` (see HttpRequest::body_sink).
  absl::StatusOr<HttpResponse> Download(std::string url, std::vector<std::string> headers,
                                        std::function<bool(absl::string_view)> sink,
                                        absl::Duration timeout);

  // TCP connections opened so far; with keep-alive working this stays near
  // the number of concurrent senders, not the number of requests.
  int64_t connections_opened() const { return connections_opened_.load(); }

 private:
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  const Options options_;
  // std::mutex rather than absl::Mutex: Debian's abseil is not built with
  // ThreadSanitizer annotations, so TSan (WA_SANITIZE=thread) cannot see
  // absl::Mutex's happens-before and reports false races; pthread-based
  // locks it understands.
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL*, guarded by mu_; void* keeps curl.h out
  std::atomic<int64_t> connections_opened_{0};
};

}  // namespace wa::provider
