#pragma once

// A worker's stand-in in the domain's tests: counts its wake-ups
// (server/domain/wake_ups.h).
namespace wa::testing {

template <typename Waker>
struct CountingWaker : Waker {
  void Wake() override { ++wakes; }
  int wakes = 0;
};

}  // namespace wa::testing
