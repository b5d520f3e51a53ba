#pragma once

#include <string>

#include "absl/time/time.h"
#include "server/provider/provider.h"

namespace wa::provider {

// The embedded default: acknowledges every send with a made-up wamid and
// reports sent, delivered and read on a timer, like Meta's callbacks.
class SandboxProvider : public Provider {
 public:
  struct Options {
    // Time between one status and the next.
    absl::Duration status_delay = absl::Seconds(1);
  };
  explicit SandboxProvider(Options options) : options_(options) {}

  std::string Name() const override { return "sandbox"; }
  SendResult Send(const OutboundMessage& message) override;
  bool SimulatesInbound() const override { return true; }

 private:
  Options options_;
};

}  // namespace wa::provider
