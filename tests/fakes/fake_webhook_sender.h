#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace wa::fakes {

// One POST of a callback to the webhook, as Meta would make it.
struct WebhookDelivery {
  absl::Time posted_at;
  std::string body;
  std::string signature;  // the X-Hub-Signature-256 header sent
  int http_status = 0;    // 0 when the webhook could not be reached
  int attempt = 1;
};

// Posts Meta-shaped callbacks to one webhook URL, signed with
// `X-Hub-Signature-256: sha256=HMAC(app_secret, body)`, now or after a
// delay, retrying non-2xx answers like Meta (up to `attempts` in all).
// Signs with OpenSSL directly rather than the server's helper, so a bug
// there cannot hide behind a matching bug here.
class WebhookSender {
 public:
  struct Options {
    std::string url;  // "http://host:port/path"; empty: nothing is posted
    std::string app_secret;
    int attempts = 1;
    absl::Duration retry_delay = absl::Milliseconds(500);
  };

  WebhookSender() = default;
  ~WebhookSender() { Stop(); }
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void Start(Options options);
  // Pending callbacks are dropped: a stopped fake is a Meta that went away.
  void Stop();
  bool enabled() const;

  void Schedule(std::string body, absl::Duration after);
  // Posts once, synchronously; returns the HTTP status (0 if unreachable).
  int PostNow(const std::string& body);

  std::vector<WebhookDelivery> Deliveries() const;
  // Waits until `n` deliveries were answered with a 2xx status.
  bool WaitForDeliveries(size_t n, absl::Duration timeout) const;
  void ClearDeliveries();

  static std::string Sign(const std::string& secret, const std::string& body);

 private:
  struct Pending {
    std::string body;
    int attempt = 1;
  };
  int Post(const std::string& body, int attempt);
  void Run();
  size_t AcceptedLocked() const;  // mu_ held

  // std::mutex rather than absl::Mutex: Debian's abseil is built without
  // ThreadSanitizer hooks, so TSan would report races behind absl::Mutex.
  mutable std::mutex mu_;
  mutable std::condition_variable wake_;  // pending_, running_ or deliveries_ changed
  // Guarded by mu_.
  Options options_;
  bool running_ = false;
  std::multimap<absl::Time, Pending> pending_;
  std::vector<WebhookDelivery> deliveries_;
  std::thread thread_;
};

}  // namespace wa::fakes
