#include "server/domain/event_hub.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/util/log.h"
#include "server/util/metrics.h"

namespace wa::domain {
namespace {

// Rows read per fan-out query; the fan-out reads again while pages are full.
constexpr int kFanOutPage = 512;

void Dedupe(std::vector<std::shared_ptr<Subscription>>& subscriptions) {
  std::sort(subscriptions.begin(), subscriptions.end());
  subscriptions.erase(std::unique(subscriptions.begin(), subscriptions.end()), subscriptions.end());
}

}  // namespace

EventHub::EventHub(storage::Database& db, Options options)
    : db_(db), events_(db), options_(options), fetchers_(3) {
  // A catch-up page must fit in the buffer, or resuming would overflow it.
  options_.page_size =
      std::max(1, std::min(options_.page_size, static_cast<int>(options_.max_buffered)));
}

EventHub::~EventHub() { Stop(); }

absl::Status EventHub::Start() {
  absl::StatusOr<std::unique_ptr<storage::NotificationListener>> listener =
      storage::ListenForNotifications(db_.url(), storage::kEventChannel,
                                      [this](const std::string&) { Wake(); });
  if (!listener.ok()) return listener.status();
  listener_ = *std::move(listener);
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void EventHub::Stop() {
  std::vector<std::shared_ptr<Subscription>> subscriptions;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    subscriptions.assign(all_.begin(), all_.end());
  }
  for (const std::shared_ptr<Subscription>& s : subscriptions) {
    s->End(Error(absl::StatusCode::kUnavailable, "UNAVAILABLE", "the server is shutting down")
               .Recovery({"Reconnect with after_cursor set to the last cursor received"}));
    s->Wake();
  }
  {
    absl::MutexLock lock(&wake_mu_);
    quit_ = true;
  }
  if (thread_.joinable()) thread_.join();
  listener_.reset();
}

void EventHub::Wake() {
  absl::MutexLock lock(&wake_mu_);
  woken_ = true;
}

absl::Status EventHub::CheckRetained(const std::string& property_id, int64_t after_cursor,
                                     const storage::StreamBounds& bounds) const {
  // Cursors are dense per property: events after `floor` are all kept.
  const int64_t floor = bounds.oldest > 0 ? bounds.oldest - 1 : bounds.latest;
  if (after_cursor < floor) {
    return Error(absl::StatusCode::kOutOfRange, "OUT_OF_RANGE",
                 absl::StrCat("events after cursor ", after_cursor, " of property ", property_id,
                              " are past the retention period; the oldest kept is ", bounds.oldest))
        .Detail("oldest_cursor", static_cast<double>(bounds.oldest))
        .Detail("resume_after_cursor", static_cast<double>(floor))
        .Recovery({"Resync from your own records, then resume with after_cursor = "
                   "resume_after_cursor"});
  }
  if (after_cursor > bounds.latest) {
    return InvalidArgument(absl::StrCat("after_cursor ", after_cursor,
                                        " is beyond the newest event (", bounds.latest, ")"),
                           "after_cursor");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> EventHub::Latest(const std::string& property_id) {
  absl::StatusOr<storage::StreamBounds> bounds =
      storage::ReadValue(db_, [&] { return events_.Bounds(property_id); });
  if (!bounds.ok()) return bounds.status();
  return bounds->latest;
}

absl::StatusOr<std::shared_ptr<Subscription>> EventHub::Subscribe(
    const std::string& property_id, EventFilter filter, std::optional<int64_t> after_cursor,
    std::function<void()> on_ready, std::function<void()> cancel) {
  absl::StatusOr<storage::StreamBounds> bounds =
      storage::ReadValue(db_, [&] { return events_.Bounds(property_id); });
  if (!bounds.ok()) return bounds.status();
  if (after_cursor) {
    if (absl::Status s = CheckRetained(property_id, *after_cursor, *bounds); !s.ok()) return s;
  }
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("the server is shutting down");
  if (static_cast<int>(all_.size()) >= options_.max_streams) {
    return Error(absl::StatusCode::kResourceExhausted, "TOO_MANY_STREAMS",
                 absl::StrCat("this server already serves ", all_.size(),
                              " event streams, its limit"))
        .Recovery({"Retry later, or share one stream among your service's workers"});
  }
  Watched* watched = nullptr;
  if (!after_cursor) {
    auto [it, added] = watched_.try_emplace(property_id);
    if (added) it->second.head = bounds->latest;
    watched = &it->second;
  }
  auto subscription = std::make_shared<Subscription>(
      property_id, std::move(filter), after_cursor.value_or(watched ? watched->head : 0),
      options_.max_buffered, std::move(on_ready), std::move(cancel));
  all_.insert(subscription);
  if (watched != nullptr) {
    subscription->SetLive(true);
    watched->live.push_back(subscription);
  }
  util::Metrics::Global().SetOpenEventStreams(static_cast<int64_t>(all_.size()));
  return subscription;
}

void EventHub::Unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  absl::MutexLock lock(&mu_);
  all_.erase(subscription);
  auto it = watched_.find(subscription->property_id());
  if (it != watched_.end()) {
    std::vector<std::shared_ptr<Subscription>>& live = it->second.live;
    live.erase(std::remove(live.begin(), live.end(), subscription), live.end());
  }
  util::Metrics::Global().SetOpenEventStreams(static_cast<int64_t>(all_.size()));
}

void EventHub::Want(const std::shared_ptr<Subscription>& subscription) {
  if (!subscription->ClaimFetch()) return;
  fetchers_.Schedule([this, subscription] { Fetch(subscription); });
}

absl::StatusOr<std::vector<StreamEventPtr>> EventHub::ReadShared(const std::string& property_id,
                                                                 int64_t after, int limit) {
  absl::StatusOr<std::vector<storage::StreamEventRecord>> rows =
      storage::ReadValue(db_, [&] { return events_.ReadAfter(property_id, after, limit); });
  if (!rows.ok()) return rows.status();
  std::vector<StreamEventPtr> events;
  events.reserve(rows->size());
  for (storage::StreamEventRecord& row : *rows) {
    auto event = std::make_shared<StreamEvent>();
    if (options_.encode) event->encoded = options_.encode(row);
    event->record = std::move(row);
    events.push_back(std::move(event));
  }
  return events;
}

void EventHub::Fetch(const std::shared_ptr<Subscription>& subscription) {
  absl::StatusOr<std::vector<StreamEventPtr>> page =
      ReadShared(subscription->property_id(), subscription->cursor(), options_.page_size);
  if (!page.ok()) {
    util::LogError("event stream read failed: ", page.status().message());
    subscription->End(
        Error(absl::StatusCode::kUnavailable, "UNAVAILABLE", "the events could not be read")
            .Recovery({"Reconnect with after_cursor set to the last cursor received"}));
  } else {
    if (!subscription->Take(*page)) util::Metrics::Global().CountEventStreamTooSlow();
    // A short page reached the end of what is committed: the fan-out takes
    // over, unless more committed meanwhile (then the next page is read).
    if (static_cast<int>(page->size()) < options_.page_size) Join(subscription);
  }
  subscription->FetchDone();
  subscription->Wake();
}

bool EventHub::Join(const std::shared_ptr<Subscription>& subscription) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || subscription->ended() || !all_.contains(subscription)) return true;
  auto it = watched_.find(subscription->property_id());
  if (it == watched_.end()) {
    absl::StatusOr<int64_t> latest = Latest(subscription->property_id());
    if (!latest.ok()) return false;
    it = watched_.try_emplace(subscription->property_id(), Watched{*latest, {}}).first;
  }
  // The fan-out runs under mu_, so the head cannot move while this decides:
  // events after it reach the subscriber, those up to it it read itself.
  if (subscription->cursor() < it->second.head) return false;
  subscription->SetLive(true);
  it->second.live.push_back(subscription);
  return true;
}

std::vector<std::shared_ptr<Subscription>> EventHub::FanOut() {
  std::vector<std::shared_ptr<Subscription>> woken;
  absl::MutexLock lock(&mu_);
  for (auto it = watched_.begin(); it != watched_.end();) {
    Watched& w = it->second;
    w.live.erase(
        std::remove_if(w.live.begin(), w.live.end(), [](const auto& s) { return s->ended(); }),
        w.live.end());
    if (w.live.empty()) {
      watched_.erase(it++);  // nobody listens: stop reading this property
      continue;
    }
    while (true) {
      absl::StatusOr<std::vector<StreamEventPtr>> rows = ReadShared(it->first, w.head, kFanOutPage);
      if (!rows.ok()) {
        util::LogError("event fan-out read failed: ", rows.status().message());
        break;
      }
      if (rows->empty()) break;
      for (const std::shared_ptr<Subscription>& s : w.live) {
        if (!s->Take(*rows)) util::Metrics::Global().CountEventStreamTooSlow();
        woken.push_back(s);
      }
      w.head = rows->back()->record.cursor;
      if (static_cast<int>(rows->size()) < kFanOutPage) break;
    }
    ++it;
  }
  Dedupe(woken);
  return woken;
}

void EventHub::Tick(absl::Time now) {
  std::vector<std::shared_ptr<Subscription>> subscriptions;
  {
    absl::MutexLock lock(&mu_);
    subscriptions.assign(all_.begin(), all_.end());
  }
  for (const std::shared_ptr<Subscription>& s : subscriptions) {
    if (s->Tick(now, options_.keep_alive, options_.stall)) {
      s->Cancel();  // its client stopped reading; the status cannot reach it anyway
    } else {
      s->Wake();
    }
  }
}

void EventHub::Loop() {
  absl::Time next_tick = absl::Now() + absl::Seconds(1);
  while (true) {
    {
      absl::MutexLock lock(&wake_mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(wake_mu_) { return woken_ || quit_; };
      wake_mu_.AwaitWithDeadline(absl::Condition(&ready), next_tick);
      if (quit_) return;
      woken_ = false;
    }
    // Also when nothing woke it: a check every second in case a
    // notification was lost (a listener reconnecting).
    for (const std::shared_ptr<Subscription>& s : FanOut()) s->Wake();
    absl::Time now = absl::Now();
    if (now >= next_tick) {
      Tick(now);
      next_tick = now + absl::Seconds(1);
    }
  }
}

absl::StatusOr<EventPage> EventHub::List(const std::string& property_id, const EventFilter& filter,
                                         int64_t after_cursor, int page_size) {
  EventPage page;
  absl::Status status = db_.Read([&]() -> absl::Status {
    absl::StatusOr<storage::StreamBounds> bounds = events_.Bounds(property_id);
    if (!bounds.ok()) return bounds.status();
    page.bounds = *bounds;
    if (absl::Status s = CheckRetained(property_id, after_cursor, *bounds); !s.ok()) return s;
    absl::StatusOr<std::vector<storage::StreamEventRecord>> rows =
        events_.ReadAfter(property_id, after_cursor, page_size);
    if (!rows.ok()) return rows.status();
    page.next_cursor = rows->empty() ? after_cursor : rows->back().cursor;
    for (storage::StreamEventRecord& row : *rows) {
      if (filter.Matches(row)) page.events.push_back(std::move(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

int EventHub::open_streams() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(all_.size());
}

}  // namespace wa::domain
