#include "server/domain/event_subscription.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"

namespace wa::domain {

bool EventFilter::Matches(const storage::StreamEventRecord& event) const {
  if (!conversation_id.empty() && event.conversation_id != conversation_id) return false;
  return events.empty() || std::find(events.begin(), events.end(), event.event) != events.end();
}

Subscription::Subscription(std::string property_id, EventFilter filter, int64_t cursor,
                           size_t max_buffered, std::function<void()> on_ready,
                           std::function<void()> cancel)
    : property_id_(std::move(property_id)),
      filter_(std::move(filter)),
      max_buffered_(std::max<size_t>(1, max_buffered)),
      on_ready_(std::move(on_ready)),
      cancel_(std::move(cancel)),
      cursor_(cursor),
      sent_cursor_(cursor),
      last_write_(absl::Now()) {}

Subscription::Step Subscription::Next() {
  absl::MutexLock lock(&mu_);
  Step step;
  if (writing_since_) return step;  // one write at a time
  if (ended_) {
    if (end_taken_) return step;
    end_taken_ = true;
    step.kind = Step::Kind::kEnd;
    step.status = end_status_;
    return step;
  }
  if (!buffer_.empty()) {
    step.kind = Step::Kind::kEvent;
    step.event = std::move(buffer_.front());
    buffer_.pop_front();
    step.cursor = sent_cursor_ = step.event->record.cursor;
  } else if (keep_alive_due_) {
    step.kind = Step::Kind::kKeepAlive;
    // Nothing is buffered, so every event up to the cursor was written or
    // filtered out: resuming after it misses nothing.
    step.cursor = sent_cursor_ = cursor_;
    keep_alive_due_ = false;
  } else {
    return step;
  }
  writing_since_ = last_write_ = absl::Now();
  return step;
}

void Subscription::WriteDone() {
  absl::MutexLock lock(&mu_);
  writing_since_.reset();
}

int64_t Subscription::cursor() const {
  absl::MutexLock lock(&mu_);
  return cursor_;
}

bool Subscription::live() const {
  absl::MutexLock lock(&mu_);
  return live_;
}

void Subscription::SetLive(bool live) {
  absl::MutexLock lock(&mu_);
  live_ = live;
}

bool Subscription::Take(const std::vector<StreamEventPtr>& events) {
  absl::MutexLock lock(&mu_);
  if (ended_) return true;
  for (const StreamEventPtr& event : events) {
    if (event->record.cursor <= cursor_) continue;
    cursor_ = event->record.cursor;
    if (!filter_.Matches(event->record)) continue;
    if (buffer_.size() >= max_buffered_) {
      buffer_.clear();  // the memory goes now; the client resumes from storage
      ended_ = true;
      end_status_ = Error(absl::StatusCode::kResourceExhausted, "SUBSCRIBER_TOO_SLOW",
                          absl::StrCat("the stream was read too slowly and ", max_buffered_,
                                       " events were waiting; resume after cursor ", sent_cursor_))
                        .Detail("resume_after_cursor", static_cast<double>(sent_cursor_))
                        .Recovery({"Reconnect with after_cursor (or Last-Event-ID) set to "
                                   "resume_after_cursor; nothing is lost"});
      return false;
    }
    buffer_.push_back(event);
  }
  return true;
}

void Subscription::End(absl::Status status) {
  absl::MutexLock lock(&mu_);
  if (ended_) return;
  ended_ = true;
  end_status_ = std::move(status);
  buffer_.clear();
}

bool Subscription::ClaimFetch() {
  absl::MutexLock lock(&mu_);
  if (live_ || fetching_ || ended_ || !buffer_.empty()) return false;
  fetching_ = true;
  return true;
}

void Subscription::FetchDone() {
  absl::MutexLock lock(&mu_);
  fetching_ = false;
}

bool Subscription::Tick(absl::Time now, absl::Duration idle, absl::Duration stall) {
  absl::MutexLock lock(&mu_);
  if (ended_) return writing_since_ && now - *writing_since_ >= stall;
  if (!writing_since_ && buffer_.empty() && now - last_write_ >= idle) keep_alive_due_ = true;
  return false;
}

bool Subscription::ended() const {
  absl::MutexLock lock(&mu_);
  return ended_;
}

}  // namespace wa::domain
