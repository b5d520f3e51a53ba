#pragma once

#include "server/domain/template_service.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Applies template review verdicts the provider scheduled (the sandbox's)
// when they fall due, as Meta's status callbacks would.
class TemplateReviewTimer {
 public:
  explicit TemplateReviewTimer(domain::TemplateService& templates)
      : templates_(templates), poller_([this] { return Tick(); }) {}

  void Start() { poller_.Start(); }
  void Wake() { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

 private:
  absl::Duration Tick();

  domain::TemplateService& templates_;
  Poller poller_;
};

}  // namespace wa::workers
