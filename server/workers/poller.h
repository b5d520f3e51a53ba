#pragma once

#include <functional>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wa::workers {

// A background thread that runs `tick` whenever it is woken or the time
// `tick` asked for has passed. `tick` returns how long it may sleep.
class Poller {
 public:
  using Tick = std::function<absl::Duration()>;

  explicit Poller(Tick tick) : tick_(std::move(tick)) {}
  ~Poller() { Stop(); }

  void Start();
  void Wake();
  // Wakes it unless its next tick comes by `due` anyway (one in progress
  // counts as none planned: it may have read before the new work).
  void WakeBy(absl::Time due);
  // Finishes the tick in progress, then joins the thread.
  void Stop();

 private:
  void Run();
  bool Ready() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return woken_ || stopping_; }

  Tick tick_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time next_tick_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace wa::workers
