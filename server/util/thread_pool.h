#pragma once

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace wa::util {

// A fixed set of threads running queued tasks in order of arrival.
// Tasks may block (on a durable commit, on the network); that is what the
// pool is for: it keeps such waits off threads that must stay free.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  // Runs every task already queued, then joins the threads.
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Schedule(std::function<void()> task);

 private:
  void Work();

  absl::Mutex mu_;
  absl::CondVar ready_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace wa::util
