#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace wa::provider {

// Where the service may post a hotel's events (SSRF protection).
struct TargetPolicy {
  // Hosts the operator allows over plain http and on private or link-local
  // addresses (--webhook_allowed_hosts), compared case-insensitively.
  std::vector<std::string> allowed_hosts;
  // Loopback hosts (for a receiver on this machine: the sandbox, tests).
  // Off in production, where loopback services are not the hotel's.
  bool allow_loopback = false;
};

// A webhook URL checked against the policy, with the addresses its host
// resolved to, so the request can be pinned to exactly those.
struct WebhookTarget {
  std::string url;
  std::string scheme;
  std::string host;  // without brackets for IPv6
  int port = 0;
  std::vector<std::string> addresses;
  // curl's "host:port:addr,addr" pin; empty for an IP literal.
  std::string resolve_entry;
};

// Parses `url`, resolves its host and applies the rules:
// - http or https only, and https unless the host is loopback (localhost,
//   127.0.0.0/8, [::1]) or an allowed host;
// - every address must be public, or loopback for a loopback host, unless
//   the host is allowed; cloud metadata addresses are always refused.
// INVALID_ARGUMENT says which rule failed; UNAVAILABLE that the host does
// not resolve.
absl::StatusOr<WebhookTarget> ResolveWebhookTarget(const std::string& url,
                                                   const TargetPolicy& policy);

}  // namespace wa::provider
