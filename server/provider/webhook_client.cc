#include "server/provider/webhook_client.h"

#include <curl/curl.h>
#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "server/provider/address_policy.h"
#include "server/provider/meta_signature.h"

namespace wa::provider {
namespace {

HttpClient::Options ClientOptions(absl::Duration timeout) {
  HttpClient::Options options;
  options.request_timeout = timeout;
  options.connect_timeout = std::min(timeout, absl::Seconds(5));
  options.max_idle_handles = 32;
  options.user_agent = "wa-server-webhooks/1";
  // Only the start of an answer is kept (an error's reason, a challenge).
  options.max_response_bytes = 64 * 1024;
  return options;
}

std::string Escape(const std::string& value) {
  char* escaped = curl_easy_escape(nullptr, value.c_str(), static_cast<int>(value.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  return out;
}

// A random hub.challenge, so an endpoint cannot pass by echoing a constant.
std::string NewChallenge() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return "challenge";
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

// Only a public endpoint's answers are shown to the hotel: a private or
// loopback one (an operator-allowed host, the sandbox's receiver) could be
// a service of ours, whose replies and reachability are not the hotel's to
// read through the delivery log or the verification result.
bool IsPublic(const WebhookTarget& target) {
  return std::all_of(target.addresses.begin(), target.addresses.end(), [](const std::string& a) {
    return ClassifyAddress(a) == AddressKind::kPublic;
  });
}

// Past a public endpoint only the kind of failure is told, not libcurl's
// text (which names addresses and ports).
std::string TransportError(const WebhookTarget& target, const absl::Status& status) {
  if (IsPublic(target)) return std::string(status.message());
  return absl::IsDeadlineExceeded(status) ? "timeout: the endpoint did not answer in time"
                                          : "the endpoint could not be reached";
}

HttpRequest PinnedRequest(const WebhookTarget& target) {
  HttpRequest request;
  request.url = target.url;
  if (!target.resolve_entry.empty()) request.resolve.push_back(target.resolve_entry);
  return request;
}

}  // namespace

std::string WebhookSignature(const std::vector<std::string>& secrets, int64_t timestamp,
                             const std::string& body) {
  std::string signed_text = absl::StrCat(timestamp, ".", body);
  std::vector<std::string> parts;
  for (const std::string& secret : secrets) {
    parts.push_back(absl::StrCat("sha256=", HmacSha256Hex(secret, signed_text)));
  }
  return absl::StrJoin(parts, ",");
}

WebhookClient::WebhookClient(TargetPolicy policy, absl::Duration timeout)
    : policy_(std::move(policy)), http_(ClientOptions(timeout)) {}

absl::Status WebhookClient::CheckUrl(const std::string& url) const {
  return ResolveWebhookTarget(url, policy_).status();
}

WebhookAnswer WebhookClient::Post(const WebhookPost& post) {
  WebhookAnswer answer;
  absl::Time start = absl::Now();
  absl::StatusOr<WebhookTarget> target = ResolveWebhookTarget(post.url, policy_);
  if (!target.ok()) {
    answer.error = std::string(target.status().message());
    return answer;
  }
  int64_t timestamp = absl::ToUnixSeconds(absl::Now());
  HttpRequest request = PinnedRequest(*target);
  request.method = HttpRequest::Method::kPost;
  request.body = post.body;
  request.headers = {
      "Content-Type: application/json",
      absl::StrCat(kEventIdHeader, ": ", post.event_id),
      absl::StrCat(kEventHeader, ": ", post.event),
      absl::StrCat(kTimestampHeader, ": ", timestamp),
      absl::StrCat(kAttemptHeader, ": ", post.attempt),
      absl::StrCat(kSignatureHeader, ": ", WebhookSignature(post.secrets, timestamp, post.body))};
  absl::StatusOr<HttpResponse> response = http_.Perform(request);
  answer.latency_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  if (!response.ok()) {
    answer.error = TransportError(*target, response.status());
    return answer;
  }
  answer.http_status = response->status;
  if (!answer.ok()) {
    // The start of the body says why, without storing a whole error page.
    answer.error = absl::StrCat("HTTP ", response->status);
    if (IsPublic(*target)) {
      absl::StrAppend(&answer.error, ": ",
                      absl::StripAsciiWhitespace(response->body.substr(0, 200)));
    }
  }
  return answer;
}

WebhookVerification WebhookClient::Verify(const std::string& url, const std::string& verify_token) {
  absl::StatusOr<WebhookTarget> target = ResolveWebhookTarget(url, policy_);
  if (!target.ok()) return {false, std::string(target.status().message())};
  std::string challenge = NewChallenge();
  HttpRequest request = PinnedRequest(*target);
  absl::StrAppend(&request.url, absl::StrContains(url, '?') ? "&" : "?",
                  "hub.mode=subscribe&hub.verify_token=", Escape(verify_token),
                  "&hub.challenge=", challenge);
  absl::StatusOr<HttpResponse> response = http_.Perform(request);
  if (!response.ok()) {
    return {false,
            absl::StrCat("verification GET failed: ", TransportError(*target, response.status()))};
  }
  if (response->status != 200) {
    return {false, absl::StrCat("verification GET answered HTTP ", response->status,
                                " (expected 200 echoing hub.challenge)")};
  }
  if (absl::StripAsciiWhitespace(response->body) != challenge) {
    return {false, "verification GET answered 200 but did not echo hub.challenge"};
  }
  return {true, ""};
}

}  // namespace wa::provider
