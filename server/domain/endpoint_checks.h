#pragma once

#include <string>

#include "absl/status/status.h"

namespace wa::domain {

// The network checks of a hotel's webhook endpoint, which WebhookService
// asks of the provider layer (provider::WebhookClient implements them).
class EndpointChecks {
 public:
  virtual ~EndpointChecks() = default;
  // The URL's scheme and resolved addresses are allowed (see
  // provider::ResolveWebhookTarget); INVALID_ARGUMENT says why not,
  // UNAVAILABLE that the host does not resolve.
  virtual absl::Status CheckUrl(const std::string& url) const = 0;
  // The verification GET; an empty string if it verified, else why not.
  virtual std::string VerifyEndpoint(const std::string& url, const std::string& verify_token) = 0;
};

}  // namespace wa::domain
