#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/provider/provider.h"

namespace wa::provider {

// The embedded default: acknowledges sends with a made-up wamid and reports
// sent, delivered and read on a timer, like Meta's callbacks. Test numbers
// make it fail in chosen ways, so clients can exercise error handling
// without Meta (listed in the README):
//   +15005550001  undeliverable: refused with Meta's 131026
//   +15005550002  rate-limited (130429) twice, then accepted
//   +15005550003  slow: each send takes 3 seconds
//   +15005550004  accepted and sent, then failed (131026) instead of delivered
class SandboxProvider : public Provider {
 public:
  struct Options {
    // Time between one status and the next.
    absl::Duration status_delay = absl::Seconds(1);
    absl::Duration slow_send = absl::Seconds(3);
  };
  explicit SandboxProvider(Options options) : options_(options) {}

  std::string Name() const override { return "sandbox"; }
  SendResult Send(const OutboundMessage& message) override;
  absl::StatusOr<std::string> UploadMedia(const std::string& path,
                                          const std::string& mime_type) override;
  bool SimulatesInbound() const override { return true; }

 private:
  SendResult Accept(bool fail_after_sent) const;

  Options options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> rate_limited_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wa::provider
