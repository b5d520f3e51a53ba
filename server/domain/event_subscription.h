#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/event_stream_repository.h"

namespace wa::domain {

// An event as the streams share it: read once, encoded once (in the form
// the API writes), handed to every subscriber that wants it.
struct StreamEvent {
  storage::StreamEventRecord record;
  std::string encoded;
};
using StreamEventPtr = std::shared_ptr<const StreamEvent>;

// Which events a stream wants: kinds (empty: all) and a conversation
// (empty: all).
struct EventFilter {
  std::vector<std::string> events;
  std::string conversation_id;

  bool Matches(const storage::StreamEventRecord& event) const;
};

// One subscriber of a property's stream: the events waiting to be written,
// and where it stands. The hub fills it (from storage while it catches up,
// then from the live fan-out); the stream takes the next step whenever it
// can write. Thread-safe.
class Subscription {
 public:
  struct Step {
    enum class Kind { kWait, kEvent, kKeepAlive, kEnd };
    Kind kind = Kind::kWait;
    StreamEventPtr event;  // kEvent
    int64_t cursor = 0;    // kEvent and kKeepAlive: the stream's position
    absl::Status status;   // kEnd
  };

  // `on_ready` is called (from any thread, never under a lock of the hub)
  // when a step may be waiting; `cancel` when the stream must be torn down
  // because its client stopped reading. Both may outlive the stream and
  // must then do nothing.
  Subscription(std::string property_id, EventFilter filter, int64_t cursor, size_t max_buffered,
               std::function<void()> on_ready, std::function<void()> cancel);

  const std::string& property_id() const { return property_id_; }

  // For the stream, when it may write: the next thing to write. Never
  // blocks; kWait means on_ready will be called later.
  Step Next();
  // For the stream, once the last step's write completed.
  void WriteDone();

  // For the hub.
  void Wake() const { on_ready_(); }
  void Cancel() const { cancel_(); }
  // The position up to which events were taken in (delivered or filtered out).
  int64_t cursor() const;
  bool live() const;
  void SetLive(bool live);
  // Takes events in cursor order, skipping those at or below the cursor.
  // False when the buffer overflowed: the stream then ends with
  // RESOURCE_EXHAUSTED SUBSCRIBER_TOO_SLOW.
  bool Take(const std::vector<StreamEventPtr>& events);
  // Ends the stream with `status` once the writes in flight are done.
  void End(absl::Status status);
  // Whether a catch-up read is wanted (not live, nothing buffered, none
  // running); marks one as running.
  bool ClaimFetch();
  void FetchDone();
  // The hub's tick: asks for a keep-alive after `idle` without writes;
  // true when the stream ended but a write has been stuck for `stall`.
  bool Tick(absl::Time now, absl::Duration idle, absl::Duration stall);
  bool ended() const;

 private:
  const std::string property_id_;
  const EventFilter filter_;
  const size_t max_buffered_;
  const std::function<void()> on_ready_;
  const std::function<void()> cancel_;

  mutable absl::Mutex mu_;
  int64_t cursor_ ABSL_GUARDED_BY(mu_);
  int64_t sent_cursor_ ABSL_GUARDED_BY(mu_);  // the last event handed to the stream
  std::deque<StreamEventPtr> buffer_ ABSL_GUARDED_BY(mu_);
  bool live_ ABSL_GUARDED_BY(mu_) = false;
  bool fetching_ ABSL_GUARDED_BY(mu_) = false;
  bool keep_alive_due_ ABSL_GUARDED_BY(mu_) = true;  // the first message
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool end_taken_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status end_status_ ABSL_GUARDED_BY(mu_);
  absl::Time last_write_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Time> writing_since_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wa::domain
