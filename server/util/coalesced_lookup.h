#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace wa::util {

// Looks values up by key: one key for each caller, many keys for each
// fetch. While `parallel` fetches are running, callers wait in a queue, and
// the next fetch to start takes up to `max_batch` of the waiting keys at
// once. Alone, a lookup is fetched at once; under load, a fetch of many
// keys (one statement) costs about what a fetch of one does, so a point
// read costs a share of a round trip instead of one each. It is what a
// group commit is to writes. A lookup never sees data older than its call:
// its key goes into a fetch that starts after the call arrived.
template <typename V>
class CoalescedLookup {
 public:
  // The values of those `keys` that exist, in any order; a key may repeat.
  using Fetch = std::function<absl::StatusOr<std::vector<V>>(const std::vector<std::string>&)>;
  // The key a fetched value answers.
  using KeyOf = std::function<std::string(const V&)>;
  struct Options {
    // 0: no queue, each lookup is fetched at once on its own (where a
    // statement costs no round trip, the queue's hand-offs cost more than
    // they save).
    int parallel = 4;
    size_t max_batch = 64;
  };

  CoalescedLookup(Fetch fetch, KeyOf key_of, Options options)
      : fetch_(std::move(fetch)), key_of_(std::move(key_of)), options_(options) {}

  // How many callers wait for a fetch to start (for tests).
  size_t waiting() const {
    absl::MutexLock lock(&mu_);
    return waiting_.size();
  }

  // The value of `key`, nullopt if it has none, or the fetch's error.
  absl::StatusOr<std::optional<V>> Get(const std::string& key) {
    if (options_.parallel <= 0) return Alone(key);
    Waiter me;
    me.key = key;
    absl::MutexLock lock(&mu_);
    waiting_.push_back(&me);
    while (!me.done) {
      if (running_ < options_.parallel && !waiting_.empty()) {
        // The batch holds this caller unless more than max_batch wait
        // ahead of it; then it fetches theirs and goes round again.
        Lead();
      } else {
        me.wake.Wait(&mu_);
      }
    }
    return std::move(me.result);
  }

 private:
  struct Waiter {
    std::string key;
    absl::StatusOr<std::optional<V>> result = std::nullopt;
    bool done = false;
    absl::CondVar wake;
  };

  absl::StatusOr<std::optional<V>> Alone(const std::string& key) {
    absl::StatusOr<std::vector<V>> values = fetch_({key});
    if (!values.ok()) return values.status();
    for (V& value : *values) {
      if (key_of_(value) == key) return std::optional<V>(std::move(value));
    }
    return std::nullopt;
  }

  // Fetches the first waiting keys without the lock and answers each.
  void Lead() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    size_t n = std::min(waiting_.size(), options_.max_batch);
    std::vector<Waiter*> batch(waiting_.begin(), waiting_.begin() + n);
    waiting_.erase(waiting_.begin(), waiting_.begin() + n);
    ++running_;
    mu_.Unlock();
    std::vector<std::string> keys;
    keys.reserve(batch.size());
    for (const Waiter* w : batch) keys.push_back(w->key);
    Answer(fetch_(keys), batch);
    mu_.Lock();
    --running_;
    for (Waiter* w : batch) {
      w->done = true;
      w->wake.Signal();
    }
    // A fetch is free again: the oldest waiter leads the next one.
    if (!waiting_.empty()) waiting_.front()->wake.Signal();
  }

  // Each waiter's result; they read it only once done is set under the lock.
  void Answer(const absl::StatusOr<std::vector<V>>& values, const std::vector<Waiter*>& batch) {
    if (!values.ok()) {
      for (Waiter* w : batch) w->result = values.status();
      return;
    }
    absl::flat_hash_map<std::string, const V*> by_key;
    for (const V& value : *values) by_key.emplace(key_of_(value), &value);
    for (Waiter* w : batch) {
      auto it = by_key.find(w->key);
      if (it != by_key.end()) w->result = *it->second;
    }
  }

  const Fetch fetch_;
  const KeyOf key_of_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::deque<Waiter*> waiting_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace wa::util
