#include "server/workers/poller.h"

namespace wa::workers {

void Poller::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Poller::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void Poller::WakeBy(absl::Time due) {
  absl::MutexLock lock(&mu_);
  if (due < next_tick_ || next_tick_ == absl::InfinitePast()) woken_ = true;
}

void Poller::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Poller::Run() {
  while (true) {
    absl::Duration sleep = tick_();
    absl::MutexLock lock(&mu_);
    next_tick_ = absl::Now() + sleep;
    mu_.AwaitWithTimeout(absl::Condition(this, &Poller::Ready), sleep);
    if (stopping_) return;
    woken_ = false;
    next_tick_ = absl::InfinitePast();  // ticking
  }
}

}  // namespace wa::workers
