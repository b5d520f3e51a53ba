#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/domain/event_subscription.h"
#include "server/storage/database.h"
#include "server/storage/event_stream_repository.h"
#include "server/storage/notification_listener.h"
#include "server/util/thread_pool.h"

namespace wa::domain {

// One page of a property's events (ListEvents).
struct EventPage {
  std::vector<storage::StreamEventRecord> events;
  int64_t next_cursor = 0;
  storage::StreamBounds bounds;
};

// The live streams of every property (README, "Live events"). One thread
// learns of commits (woken after each local commit that recorded an event,
// and by PostgreSQL NOTIFY for other instances' commits, with a check every
// second as a safety net), reads each watched property's new events once
// and hands them to that property's live subscribers. A subscriber that is
// behind reads its own pages from storage, on a small pool, until it
// reaches the live end and joins the fan-out: no thread is held per
// stream, and no subscriber polls.
class EventHub {
 public:
  struct Options {
    int max_streams = 1000;
    size_t max_buffered = 1000;  // events waiting per subscriber
    absl::Duration keep_alive = absl::Seconds(15);
    // How long an ended stream may wait on a write its client does not
    // read before it is cancelled.
    absl::Duration stall = absl::Seconds(10);
    int page_size = 256;
    // Encodes an event once for all its subscribers (the API's wire form).
    std::function<std::string(const storage::StreamEventRecord&)> encode;
  };

  EventHub(storage::Database& db, Options options);
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Starts the fan-out thread and, on PostgreSQL, the listener.
  absl::Status Start();
  // Ends every stream (UNAVAILABLE: resume from the cursor) and stops.
  void Stop();
  // Something committed events: fan out soon. Cheap; any thread.
  void Wake();

  // A new stream of `property_id`'s events: after `after_cursor`, or from
  // the live end when it is absent. OUT_OF_RANGE when events after the
  // cursor were already pruned; RESOURCE_EXHAUSTED past max_streams.
  absl::StatusOr<std::shared_ptr<Subscription>> Subscribe(const std::string& property_id,
                                                          EventFilter filter,
                                                          std::optional<int64_t> after_cursor,
                                                          std::function<void()> on_ready,
                                                          std::function<void()> cancel);
  void Unsubscribe(const std::shared_ptr<Subscription>& subscription);
  // The stream found nothing to write: starts a catch-up read if one is due.
  void Want(const std::shared_ptr<Subscription>& subscription);

  // Up to `page_size` events after `after_cursor` that pass `filter`.
  absl::StatusOr<EventPage> List(const std::string& property_id, const EventFilter& filter,
                                 int64_t after_cursor, int page_size);

  int open_streams() const;

 private:
  struct Watched {
    int64_t head = 0;  // the last cursor handed to the live subscribers
    std::vector<std::shared_ptr<Subscription>> live;
  };

  absl::Status CheckRetained(const std::string& property_id, int64_t after_cursor,
                             const storage::StreamBounds& bounds) const;
  absl::StatusOr<int64_t> Latest(const std::string& property_id);
  // Moves a caught-up subscriber into the fan-out; false if it is behind.
  bool Join(const std::shared_ptr<Subscription>& subscription);
  void Fetch(const std::shared_ptr<Subscription>& subscription);
  // Up to `limit` events after `after`, each encoded once.
  absl::StatusOr<std::vector<StreamEventPtr>> ReadShared(const std::string& property_id,
                                                         int64_t after, int limit);
  void Loop();
  // Hands each watched property's new events to its live subscribers;
  // returns the subscribers to wake (woken by the caller, outside mu_).
  std::vector<std::shared_ptr<Subscription>> FanOut();
  void Tick(absl::Time now);

  storage::Database& db_;
  storage::EventStreamRepository events_;
  Options options_;
  util::ThreadPool fetchers_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Watched> watched_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::shared_ptr<Subscription>> all_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  absl::Mutex wake_mu_;
  bool woken_ ABSL_GUARDED_BY(wake_mu_) = false;
  bool quit_ ABSL_GUARDED_BY(wake_mu_) = false;

  std::unique_ptr<storage::NotificationListener> listener_;
  std::thread thread_;
};

}  // namespace wa::domain
