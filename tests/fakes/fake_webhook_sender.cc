#include "tests/fakes/fake_webhook_sender.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace wa::fakes {
namespace {

// Splits "http://host:port/path?q" into what httplib::Client takes and the
// request target.
std::pair<std::string, std::string> SplitUrl(const std::string& url) {
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return {url, "/"};
  return {url.substr(0, path), url.substr(path)};
}

}  // namespace

std::string WebhookSender::Sign(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const unsigned char kEmpty[1] = {0};
  HMAC(EVP_sha256(),
       secret.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(secret.data()),
       static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), digest, &len);
  std::string hex = "sha256=";
  for (unsigned int i = 0; i < len; ++i) hex += absl::StrFormat("%02x", digest[i]);
  return hex;
}

void WebhookSender::Start(Options options) {
  std::unique_lock lock(mu_);
  if (running_) return;
  options_ = std::move(options);
  running_ = true;
  thread_ = std::thread([this] { Run(); });
}

void WebhookSender::Stop() {
  {
    std::unique_lock lock(mu_);
    if (!running_) return;
    running_ = false;
    pending_.clear();
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

bool WebhookSender::enabled() const {
  std::unique_lock lock(mu_);
  return !options_.url.empty();
}

void WebhookSender::Schedule(std::string body, absl::Duration after) {
  std::unique_lock lock(mu_);
  if (!running_ || options_.url.empty()) return;
  pending_.emplace(absl::Now() + after, Pending{std::move(body), 1});
  wake_.notify_all();
}

int WebhookSender::PostNow(const std::string& body) { return Post(body, 1); }

int WebhookSender::Post(const std::string& body, int attempt) {
  std::string url, secret;
  {
    std::unique_lock lock(mu_);
    url = options_.url;
    secret = options_.app_secret;
  }
  if (url.empty()) return 0;
  auto [base, target] = SplitUrl(url);
  httplib::Client client(base);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  std::string signature = Sign(secret, body);
  httplib::Headers headers = {{"X-Hub-Signature-256", signature}};
  httplib::Result result = client.Post(target.c_str(), headers, body, "application/json");
  int status = result ? result->status : 0;
  std::unique_lock lock(mu_);
  deliveries_.push_back({absl::Now(), body, signature, status, attempt});
  wake_.notify_all();
  return status;
}

void WebhookSender::Run() {
  std::unique_lock lock(mu_);
  while (running_) {
    if (pending_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto next = pending_.begin();
    if (next->first > absl::Now()) {
      wake_.wait_until(lock, absl::ToChronoTime(next->first));
      continue;
    }
    Pending p = std::move(next->second);
    pending_.erase(next);
    lock.unlock();
    // Posting outside the lock lets tests read deliveries meanwhile.
    int status = Post(p.body, p.attempt);
    lock.lock();
    bool ok = status >= 200 && status < 300;
    if (!ok && running_ && p.attempt < options_.attempts) {
      pending_.emplace(absl::Now() + options_.retry_delay,
                       Pending{std::move(p.body), p.attempt + 1});
    }
  }
}

std::vector<WebhookDelivery> WebhookSender::Deliveries() const {
  std::unique_lock lock(mu_);
  return deliveries_;
}

size_t WebhookSender::AcceptedLocked() const {
  size_t n = 0;
  for (const WebhookDelivery& d : deliveries_) n += d.http_status >= 200 && d.http_status < 300;
  return n;
}

bool WebhookSender::WaitForDeliveries(size_t n, absl::Duration timeout) const {
  std::unique_lock lock(mu_);
  return wake_.wait_until(lock,
                          absl::ToChronoTime(absl::Now() + std::min(timeout, absl::Hours(24))),
                          [&] { return AcceptedLocked() >= n; });
}

void WebhookSender::ClearDeliveries() {
  std::unique_lock lock(mu_);
  deliveries_.clear();
}

}  // namespace wa::fakes
