#include "server/workers/webhook_delivery.h"

#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/webhook_retry.h"
#include "server/util/log.h"

namespace wa::workers {

namespace {

double UnitRandom() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::vector<std::string> SigningSecrets(const storage::WebhookConfigRecord& config,
                                        absl::Time now) {
  std::vector<std::string> secrets = {config.secret};
  if (!config.previous_secret.empty() && config.previous_secret_expires_at &&
      *config.previous_secret_expires_at > now) {
    secrets.push_back(config.previous_secret);
  }
  return secrets;
}

}  // namespace

WebhookDelivery::WebhookDelivery(storage::Database& db, provider::WebhookClient& client,
                                 Options options)
    : db_(db), client_(client), options_(options), webhooks_(db), poller_([this] {
        return Tick();
      }) {}

void WebhookDelivery::Start() {
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  poller_.Start();
}

void WebhookDelivery::Stop() {
  poller_.Stop();
  std::deque<Job> unstarted;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    unstarted.swap(queue_);
  }
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  if (unstarted.empty()) return;
  absl::Time now = absl::Now();
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    for (const Job& job : unstarted) {
      if (auto s = webhooks_.Reschedule(job.event.event_id, now); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) util::LogError("webhook delivery: release on stop: ", status.ToString());
}

absl::Duration WebhookDelivery::Tick() {
  int capacity = 0;
  {
    absl::MutexLock lock(&mu_);
    capacity = 2 * options_.threads - static_cast<int>(queue_.size()) - in_flight_;
  }
  // Workers wake the poller as they finish, so a full pipeline just waits.
  if (capacity <= 0) return options_.idle_poll;
  std::vector<Job> claimed;
  if (absl::Status s = Claim(absl::Now(), capacity, claimed); !s.ok()) {
    util::LogError("webhook delivery: ", s.ToString());
    return absl::Seconds(1);
  }
  if (!claimed.empty()) {
    absl::MutexLock lock(&mu_);
    for (Job& job : claimed) queue_.push_back(std::move(job));
  }
  return static_cast<int>(claimed.size()) == capacity ? absl::ZeroDuration() : options_.idle_poll;
}

absl::Status WebhookDelivery::Claim(absl::Time now, int capacity, std::vector<Job>& claimed) {
  return db_.Transaction([&]() -> absl::Status {
    claimed.clear();
    absl::StatusOr<std::vector<storage::WebhookEventRecord>> due =
        webhooks_.DueEvents(now, capacity);
    if (!due.ok()) return due.status();
    std::map<std::string, storage::WebhookConfigRecord> configs;
    std::set<std::string> probing;
    for (storage::WebhookEventRecord& event : *due) {
      auto it = configs.find(event.property_id);
      if (it == configs.end()) {
        absl::StatusOr<std::optional<storage::WebhookConfigRecord>> config =
            webhooks_.GetConfig(event.property_id);
        if (!config.ok()) return config.status();
        if (!*config) continue;
        it = configs.emplace(event.property_id, **config).first;
      }
      const storage::WebhookConfigRecord& config = it->second;
      // A down endpoint gets one probe at a time; its other events wait.
      if (config.down_since && probing.contains(event.property_id)) continue;
      // Another instance may have taken it since the read: then it is theirs.
      absl::StatusOr<bool> taken = webhooks_.Claim(event.event_id, now, now + options_.hold);
      if (!taken.ok()) return taken.status();
      if (!*taken) continue;
      if (config.down_since) {
        probing.insert(event.property_id);
        if (auto s = webhooks_.PauseEndpoint(event.property_id, now + options_.hold); !s.ok()) {
          return s;
        }
      }
      claimed.push_back(Job{std::move(event), config});
    }
    return absl::OkStatus();
  });
}

void WebhookDelivery::WorkerLoop() {
  while (true) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &WebhookDelivery::WorkReady));
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++in_flight_;
    }
    Deliver(job);
    {
      absl::MutexLock lock(&mu_);
      --in_flight_;
    }
    poller_.Wake();  // the conversation's next event may be due now
  }
}

void WebhookDelivery::Deliver(const Job& job) {
  provider::WebhookPost post;
  post.url = job.config.webhook_url;
  post.event_id = job.event.event_id;
  post.event = job.event.event;
  post.body = job.event.payload;
  post.secrets = SigningSecrets(job.config, absl::Now());
  post.attempt = job.event.attempts + 1;
  provider::WebhookAnswer answer = client_.Post(post);
  if (absl::Status s = Settle(job, answer); !s.ok()) {
    // Left claimed: it is retried when the hold runs out.
    util::LogError("webhook delivery ", job.event.event_id, ": ", s.ToString());
  }
}

absl::Status WebhookDelivery::Settle(const Job& job, const provider::WebhookAnswer& answer) {
  absl::Time now = absl::Now();
  const storage::WebhookEventRecord& event = job.event;
  return db_.Transaction([&]() -> absl::Status {
    storage::WebhookAttemptRecord attempt{event.event_id,     event.attempts + 1, now,
                                          answer.http_status, answer.latency_ms,  answer.error};
    if (auto s = webhooks_.RecordAttempt(attempt); !s.ok()) return s;
    absl::StatusOr<std::optional<storage::WebhookConfigRecord>> config =
        webhooks_.GetConfig(event.property_id);
    if (!config.ok()) return config.status();
    if (!*config) return absl::OkStatus();
    absl::Duration retry_delay = absl::Milliseconds((*config)->retry_delay_ms);
    if (answer.ok()) {
      if (auto s = webhooks_.MarkDelivered(event.event_id, now, answer.http_status); !s.ok()) {
        return s;
      }
      return webhooks_.MarkEndpointUp(event.property_id);
    }
    if (domain::EndpointDown(answer.http_status)) {
      if (now - event.occurred_at > options_.max_outage) {
        return webhooks_.MarkFailed(
            event.event_id, now, answer.http_status,
            absl::StrCat("WEBHOOK_DELIVERY_FAILED: endpoint unreachable for longer than ",
                         absl::FormatDuration(options_.max_outage), ": ", answer.error));
      }
      absl::Time probe_at =
          now + domain::ProbeDelay(retry_delay, options_.probe_max, (*config)->probe_failures);
      if (auto s = webhooks_.MarkEndpointDown(event.property_id, now, probe_at); !s.ok()) return s;
      return webhooks_.MarkRetry(event.event_id, probe_at, answer.http_status, answer.error,
                                 /*counted=*/false);
    }
    // The endpoint answered: it is up, it just refused this event.
    if (auto s = webhooks_.MarkEndpointUp(event.property_id); !s.ok()) return s;
    int failures = event.failures + 1;
    if (failures > (*config)->max_retries) {
      return webhooks_.MarkFailed(event.event_id, now, answer.http_status,
                                  absl::StrCat("WEBHOOK_DELIVERY_FAILED: gave up after ", failures,
                                               " refused attempts: ", answer.error));
    }
    absl::Time retry_at = now + domain::RetryDelay(retry_delay, failures, UnitRandom());
    return webhooks_.MarkRetry(event.event_id, retry_at, answer.http_status, answer.error,
                               /*counted=*/true);
  });
}

}  // namespace wa::workers
