#pragma once

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace wa::testing {

// Polls `done` until it holds or `timeout` passes; returns its last answer.
template <typename F>
bool WaitUntil(F done, absl::Duration timeout = absl::Seconds(10)) {
  for (absl::Time deadline = absl::Now() + timeout; absl::Now() < deadline;) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

}  // namespace wa::testing
