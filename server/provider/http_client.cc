#include "server/provider/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace wa::provider {
namespace {

// curl_global_init is not guaranteed thread-safe on every libcurl build;
// doing it once here means no caller has to remember it.
void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

long Millis(absl::Duration d) {
  // curl treats 0 as "no timeout", which is never what a caller means here.
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

struct Capture {
  size_t max_body = 0;  // 0: unlimited
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  CURL* curl = nullptr;
  const std::function<bool(absl::string_view)>* sink = nullptr;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* capture = static_cast<Capture*>(user);
  if (capture->sink != nullptr && *capture->sink) {
    // Only a success streams out: an error answer is kept for its message.
    long status = 0;
    curl_easy_getinfo(capture->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      return (*capture->sink)(absl::string_view(data, size * count)) ? size * count : 0;
    }
  }
  size_t keep = size * count;
  if (capture->max_body > 0) keep = std::min(keep, capture->max_body - capture->body.size());
  capture->body.append(data, keep);
  return size * count;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* capture = static_cast<Capture*>(user);
  absl::string_view line(data, size * count);
  // A new status line starts a new response (after 100 Continue or an
  // intermediate answer): keep only the headers of the final one.
  if (absl::StartsWith(line, "HTTP/")) {
    capture->headers.clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return size * count;
  std::string name = absl::AsciiStrToLower(line.substr(0, colon));
  absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  capture->headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

absl::Status TransportError(CURLcode code, const char* detail) {
  std::string message =
      absl::StrCat("http transport: ", curl_easy_strerror(code), detail[0] ? ": " : "", detail);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(message);
    case CURLE_READ_ERROR:
    case CURLE_FILE_COULDNT_READ_FILE:
      return absl::FailedPreconditionError(message);
    default:
      return absl::UnavailableError(message);
  }
}

// Frees what one request attached to a handle once the handle is back in the
// pool (after curl_easy_reset, so nothing still points at these).
struct RequestResources {
  curl_slist* headers = nullptr;
  curl_slist* resolve = nullptr;
  curl_mime* mime = nullptr;
  ~RequestResources() {
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
    curl_mime_free(mime);
  }
};

absl::Status AddMultipart(CURL* curl, const std::vector<MultipartField>& fields,
                          RequestResources& resources) {
  resources.mime = curl_mime_init(curl);
  for (const MultipartField& field : fields) {
    curl_mimepart* part = curl_mime_addpart(resources.mime);
    curl_mime_name(part, field.name.c_str());
    if (field.file_path.empty()) {
      curl_mime_data(part, field.value.data(), field.value.size());
      continue;
    }
    // Checked up front because curl would only notice mid-transfer, with a
    // vague read error.
    std::FILE* probe = std::fopen(field.file_path.c_str(), "rb");
    if (probe == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read file to upload: ", field.file_path));
    }
    std::fclose(probe);
    if (curl_mime_filedata(part, field.file_path.c_str()) != CURLE_OK) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read file to upload: ", field.file_path));
    }
    if (!field.content_type.empty()) curl_mime_type(part, field.content_type.c_str());
    if (!field.filename.empty()) curl_mime_filename(part, field.filename.c_str());
  }
  return absl::OkStatus();
}

}  // namespace

std::string HttpResponse::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

MultipartField MultipartField::Value(std::string name, std::string value) {
  MultipartField field;
  field.name = std::move(name);
  field.value = std::move(value);
  return field;
}

MultipartField MultipartField::File(std::string name, std::string path, std::string content_type) {
  MultipartField field;
  field.name = std::move(name);
  field.file_path = std::move(path);
  field.content_type = std::move(content_type);
  return field;
}

HttpClient::HttpClient(Options options) : options_(std::move(options)) { GlobalInitOnce(); }

HttpClient::~HttpClient() {
  std::lock_guard<std::mutex> lock(mu_);
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
  idle_.clear();
}

void* HttpClient::AcquireHandle() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      // LIFO: the most recently used handle has the connection most likely
      // to still be open on the server side.
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void HttpClient::ReleaseHandle(void* handle) {
  // Reset drops per-request options but keeps the live connections and the
  // DNS and TLS session caches, which is the point of pooling.
  curl_easy_reset(static_cast<CURL*>(handle));
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<int>(idle_.size()) < options_.max_idle_handles) {
    idle_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

absl::StatusOr<HttpResponse> HttpClient::Perform(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
  // Declared before the guard so they outlive the reset in ReleaseHandle.
  RequestResources resources;
  Capture capture;
  capture.curl = curl;
  capture.sink = &request.body_sink;
  capture.max_body = options_.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  struct Guard {
    HttpClient* client;
    CURL* curl;
    ~Guard() { client->ReleaseHandle(curl); }
  } guard{this, curl};

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  // Signals are process-wide; curl must not use them from worker threads.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  // Redirects are not followed: the bearer token must not travel elsewhere.
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  // Set explicitly, so the environment's proxy settings never apply.
  curl_easy_setopt(curl, CURLOPT_PROXY, options_.proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, Millis(options_.connect_timeout));
  curl_easy_setopt(
      curl, CURLOPT_TIMEOUT_MS,
      Millis(request.timeout > absl::ZeroDuration() ? request.timeout : options_.request_timeout));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &capture);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &capture);

  for (const std::string& header : request.headers) {
    resources.headers = curl_slist_append(resources.headers, header.c_str());
  }
  if (request.method == HttpRequest::Method::kPost) {
    if (!request.multipart.empty()) {
      absl::Status status = AddMultipart(curl, request.multipart, resources);
      if (!status.ok()) return status;
      curl_easy_setopt(curl, CURLOPT_MIMEPOST, resources.mime);
    } else {
      // Small JSON bodies: an "Expect: 100-continue" round trip would only
      // add latency.
      resources.headers = curl_slist_append(resources.headers, "Expect:");
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, resources.headers);
  for (const std::string& entry : request.resolve) {
    resources.resolve = curl_slist_append(resources.resolve, entry.c_str());
  }
  if (resources.resolve != nullptr) curl_easy_setopt(curl, CURLOPT_RESOLVE, resources.resolve);

  CURLcode code = curl_easy_perform(curl);
  long connects = 0;
  if (curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) {
    connections_opened_.fetch_add(connects);
  }
  if (code != CURLE_OK) return TransportError(code, error_buffer);

  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  HttpResponse response;
  response.status = static_cast<int>(status);
  response.body = std::move(capture.body);
  response.headers = std::move(capture.headers);
  return response;
}

absl::StatusOr<HttpResponse> HttpClient::PostJson(std::string url, std::vector<std::string> headers,
                                                  std::string body) {
  HttpRequest request;
  request.method = HttpRequest::Method::kPost;
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.headers.push_back("Content-Type: application/json");
  request.body = std::move(body);
  return Perform(request);
}

absl::StatusOr<HttpResponse> HttpClient::PostMultipart(std::string url,
                                                       std::vector<std::string> headers,
                                                       std::vector<MultipartField> fields,
                                                       absl::Duration timeout) {
  HttpRequest request;
  request.method = HttpRequest::Method::kPost;
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.multipart = std::move(fields);
  request.timeout = timeout;
  return Perform(request);
}

absl::StatusOr<HttpResponse> HttpClient::Download(std::string url, std::vector<std::string> headers,
                                                  std::function<bool(absl::string_view)> sink,
                                                  absl::Duration timeout) {
  HttpRequest request;
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.body_sink = std::move(sink);
  request.timeout = timeout;
  return Perform(request);
}

absl::StatusOr<HttpResponse> HttpClient::Get(std::string url, std::vector<std::string> headers) {
  HttpRequest request;
  request.url = std::move(url);
  request.headers = std::move(headers);
  return Perform(request);
}

}  // namespace wa::provider
