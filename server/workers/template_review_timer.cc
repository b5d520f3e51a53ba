#include "server/workers/template_review_timer.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "server/util/log.h"

namespace wa::workers {
namespace {

constexpr absl::Duration kIdleSleep = absl::Seconds(1);

}  // namespace

absl::Duration TemplateReviewTimer::Tick() {
  absl::StatusOr<std::optional<absl::Time>> next = templates_.ApplyDueReviews(absl::Now());
  if (!next.ok()) {
    util::LogError("template reviews: ", next.status().ToString());
    return kIdleSleep;
  }
  if (!*next) return kIdleSleep;
  return std::clamp(**next - absl::Now(), absl::ZeroDuration(), kIdleSleep);
}

}  // namespace wa::workers
