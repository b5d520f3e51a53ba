#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/domain/endpoint_checks.h"
#include "server/provider/http_client.h"
#include "server/provider/webhook_target.h"

namespace wa::provider {

// The headers every delivery carries.
inline constexpr char kEventIdHeader[] = "X-Webhook-Event-Id";
inline constexpr char kEventHeader[] = "X-Webhook-Event";
inline constexpr char kTimestampHeader[] = "X-Webhook-Timestamp";
inline constexpr char kSignatureHeader[] = "X-Webhook-Signature";
inline constexpr char kAttemptHeader[] = "X-Webhook-Attempt";

// "sha256=<hex>" per secret, comma-separated, each the HMAC-SHA256 of
// "<timestamp>.<body>": the current secret first, then the previous one
// while it is in its grace period, so a receiver holding either verifies.
std::string WebhookSignature(const std::vector<std::string>& secrets, int64_t timestamp,
                             const std::string& body);

struct WebhookPost {
  std::string url;
  std::string event_id;
  std::string event;
  std::string body;
  std::vector<std::string> secrets;
  int attempt = 1;
};

// What one attempt got back.
struct WebhookAnswer {
  int http_status = 0;  // 0: no HTTP answer (refused, timed out, refused by policy)
  int64_t latency_ms = 0;
  std::string error;  // empty on 2xx
  bool ok() const { return http_status >= 200 && http_status < 300; }
};

struct WebhookVerification {
  bool verified = false;
  std::string error;
};

// Posts events to hotels' endpoints and checks them on configure. Every
// request re-checks the URL against the policy and is pinned to the
// addresses it checked (no DNS rebinding); redirects are not followed.
class WebhookClient : public domain::EndpointChecks {
 public:
  WebhookClient(TargetPolicy policy, absl::Duration timeout);

  absl::Status CheckUrl(const std::string& url) const override;
  WebhookAnswer Post(const WebhookPost& post);
  // Meta's handshake, turned on the hotel: GET with hub.mode=subscribe,
  // hub.verify_token and hub.challenge; verified if it answers 200 with
  // the challenge as the body.
  WebhookVerification Verify(const std::string& url, const std::string& verify_token);
  std::string VerifyEndpoint(const std::string& url, const std::string& verify_token) override {
    return Verify(url, verify_token).error;
  }

 private:
  TargetPolicy policy_;
  HttpClient http_;
};

}  // namespace wa::provider
