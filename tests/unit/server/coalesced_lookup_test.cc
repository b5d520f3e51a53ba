// util::CoalescedLookup with real threads: a lookup alone is fetched at
// once, lookups that arrive while fetches run are answered together by the
// next fetch (never by one that started before them), and every caller
// gets its own key's answer or the fetch's error.
#include "server/util/coalesced_lookup.h"

#include <algorithm>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace wa::util {
namespace {

using Row = std::pair<std::string, int>;  // key, value

// A fetch that records the keys of each call, answers keys starting with
// "k" (value: their length) and, while held, blocks every call until let go.
class Store {
 public:
  CoalescedLookup<Row>::Fetch Fetch() {
    return [this](const std::vector<std::string>& keys) -> absl::StatusOr<std::vector<Row>> {
      {
        absl::MutexLock lock(&mu_);
        calls_.push_back(keys);
        auto free = [&] { return !held_; };
        mu_.Await(absl::Condition(&free));
      }
      if (keys.front() == "broken") return absl::UnavailableError("database down");
      std::vector<Row> rows;
      for (const std::string& key : keys) {
        if (key[0] == 'k') rows.emplace_back(key, static_cast<int>(key.size()));
      }
      return rows;
    };
  }
  static std::string KeyOf(const Row& row) { return row.first; }

  void Hold() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }
  void AwaitCalls(size_t n) {
    absl::MutexLock lock(&mu_);
    auto arrived = [&] { return calls_.size() >= n; };
    mu_.Await(absl::Condition(&arrived));
  }
  std::vector<std::vector<std::string>> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  absl::Mutex mu_;
  bool held_ = false;
  std::vector<std::vector<std::string>> calls_;
};

void AwaitWaiting(const CoalescedLookup<Row>& lookup, size_t n) {
  while (lookup.waiting() < n) absl::SleepFor(absl::Milliseconds(1));
}

TEST(CoalescedLookup, ALookupAloneIsFetchedAtOnce) {
  Store store;
  CoalescedLookup<Row> lookup(store.Fetch(), Store::KeyOf, {.parallel = 2});
  absl::StatusOr<std::optional<Row>> found = lookup.Get("key");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->second, 3);
  EXPECT_FALSE(lookup.Get("missing").value_or(Row{"x", 0}).has_value());
  EXPECT_EQ(lookup.Get("broken").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.calls(),
            (std::vector<std::vector<std::string>>{{"key"}, {"missing"}, {"broken"}}));
}

// One fetch at a time: while the first runs, ten callers queue; the next
// fetch takes all ten (a repeated key included), and each gets its own
// answer.
TEST(CoalescedLookup, CallersThatQueueShareTheNextFetch) {
  Store store;
  CoalescedLookup<Row> lookup(store.Fetch(), Store::KeyOf, {.parallel = 1});
  store.Hold();
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<std::optional<Row>>> results(11, absl::UnknownError("not run"));
  threads.emplace_back([&] { results[0] = lookup.Get("k0"); });
  store.AwaitCalls(1);
  std::vector<std::string> keys = {"k1",     "k22",     "k333",     "k1",        "gone",
                                   "k55555", "k666666", "k7777777", "k88888888", "k999999999"};
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] { results[i + 1] = lookup.Get(keys[i]); });
  }
  AwaitWaiting(lookup, keys.size());
  store.Release();
  for (std::thread& t : threads) t.join();

  std::vector<std::vector<std::string>> calls = store.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], std::vector<std::string>{"k0"});
  std::vector<std::string> second = calls[1];
  std::sort(second.begin(), second.end());
  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(second, expected);
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(results[i + 1].ok()) << keys[i];
    if (keys[i] == "gone") {
      EXPECT_FALSE(results[i + 1]->has_value());
    } else {
      ASSERT_TRUE(results[i + 1]->has_value()) << keys[i];
      EXPECT_EQ((*results[i + 1])->first, keys[i]);
      EXPECT_EQ((*results[i + 1])->second, static_cast<int>(keys[i].size()));
    }
  }
}

// No fetch takes more than max_batch keys; the rest wait for the next.
TEST(CoalescedLookup, AFetchTakesAtMostMaxBatchKeys) {
  Store store;
  CoalescedLookup<Row> lookup(store.Fetch(), Store::KeyOf, {.parallel = 1, .max_batch = 4});
  store.Hold();
  std::vector<std::thread> threads;
  threads.emplace_back([&] { lookup.Get("k").IgnoreError(); });
  store.AwaitCalls(1);
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] { lookup.Get("k" + std::to_string(i)).IgnoreError(); });
  }
  AwaitWaiting(lookup, 10);
  store.Release();
  for (std::thread& t : threads) t.join();
  std::vector<size_t> sizes;
  for (const auto& call : store.calls()) sizes.push_back(call.size());
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 4, 4, 2}));
}

// A failed fetch fails every caller it was to answer, and only those.
TEST(CoalescedLookup, AFailedFetchFailsItsCallersOnly) {
  Store store;
  CoalescedLookup<Row> lookup(store.Fetch(), Store::KeyOf, {.parallel = 1});
  store.Hold();
  absl::StatusOr<std::optional<Row>> first = absl::UnknownError("not run");
  absl::StatusOr<std::optional<Row>> a = absl::UnknownError("not run");
  absl::StatusOr<std::optional<Row>> b = absl::UnknownError("not run");
  std::thread t0([&] { first = lookup.Get("k0"); });
  store.AwaitCalls(1);
  std::thread t1([&] { a = lookup.Get("broken"); });
  AwaitWaiting(lookup, 1);
  std::thread t2([&] { b = lookup.Get("k2"); });
  AwaitWaiting(lookup, 2);
  store.Release();
  t0.join();
  t1.join();
  t2.join();
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(b.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(lookup.Get("k3").ok());  // the next fetch is a new one
}

// parallel 0: no queue, every lookup fetched on its own, even in a crowd.
TEST(CoalescedLookup, WithoutParallelFetchesEachLookupAlone) {
  Store store;
  CoalescedLookup<Row> lookup(store.Fetch(), Store::KeyOf, {.parallel = 0});
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<std::optional<Row>> found = lookup.Get("k" + std::to_string(i));
      EXPECT_TRUE(found.ok() && found->has_value() && (*found)->second == 2);
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<std::vector<std::string>> calls = store.calls();
  EXPECT_EQ(calls.size(), 8u);
  for (const auto& call : calls) EXPECT_EQ(call.size(), 1u);
}

}  // namespace
}  // namespace wa::util
