#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/event_outbox.h"
#include "server/domain/messaging_service.h"
#include "server/domain/template_service.h"
#include "server/domain/token_service.h"
#include "server/domain/wake_ups.h"
#include "server/storage/batch_repository.h"
#include "server/storage/database.h"

namespace wa::domain {

// One message of a batch: free-form text, or a template when
// `template_name` is set.
struct BatchItemInput {
  std::string phone;
  std::string content;
  std::string template_name;
  std::string language;
  std::map<std::string, std::string> parameters;
  std::string guest_user_id;  // instead of phone
  // The item's own send_at (RFC 3339 only) and valid_until, and quiet hours.
  TimingRequest timing;
  // The /send shape of an item: guest_phone instead of phone, and a
  // message_type of text or template (unspecified: by what is given).
  std::string guest_phone;
  hotel::whatsapp::v1::MessageType message_type = hotel::whatsapp::v1::MESSAGE_TYPE_UNSPECIFIED;
};

struct BatchItemError {
  int index = 0;
  std::string phone;
  std::string guest_user_id;
  std::string code;
  std::string message;
};

struct BatchAccepted {
  std::string batch_id;
  absl::Time estimated_completion;
  int accepted = 0;
  int rejected = 0;
  std::vector<BatchItemError> errors;
  double messages_per_second = 0;
};

struct BatchRequest {
  std::vector<BatchItemInput> items;
  double messages_per_second = 0;  // 0: the default
  int batch_size = 0;              // 0: the default
  bool retry_failed = false;
  bool track_delivery = false;
  std::string staff_member_id;
  std::string from_phone_number_id;  // every item's, as OutboundRequest's
  // The batch's send_at (RFC 3339: its first release), valid_until (every
  // item's unless it has its own) and respect_quiet_hours (every item's).
  TimingRequest timing;
  // Runs inside the transaction that stores the batch (an idempotency key).
  std::function<absl::Status(const BatchAccepted&)> in_transaction;
};

// A batch as GetBatch shows it: the record, the funnel and a page of items.
struct BatchView {
  storage::BatchRecord batch;
  storage::BatchCounts counts;
  absl::Time estimated_completion;
  std::vector<storage::BatchItemRecord> items;
  std::string next_page_token;
};

// Batch sends. Items are checked when the batch is accepted (an invalid
// item is refused alone); the batch and its items are stored in one
// transaction; a worker then releases the items one by one at the batch's
// rate through the single-send path (window and consent apply to each),
// each release in the transaction that queues its message, so a restart
// neither loses nor repeats an item.
class BatchService {
 public:
  struct Options {
    // The sender's throughput: no batch is released faster.
    double max_messages_per_second = 80;
    int max_items = 10000;
    // How long a round of releases holds its batch: another instance on
    // the same database takes the batch over after this if we die.
    absl::Duration release_hold = absl::Seconds(30);
  };
  // The transaction that completes a batch emits the hotel's
  // `batch_completed` event; `event_waker` is woken after (EventWaker).
  BatchService(storage::Database& db, MessagingService& messaging, TemplateService& templates,
               Options options, EventWaker* event_waker = nullptr)
      : db_(db),
        messaging_(messaging),
        templates_(templates),
        options_(options),
        batches_(db),
        outbox_(db, event_waker) {}

  // An accepted batch wakes `runner` (workers::BatchRunner, which is built
  // on this service, hence set after).
  void set_runner(BatchWaker* runner) { runner_ = runner; }

  absl::StatusOr<BatchAccepted> Create(const Caller& caller, BatchRequest request);
  absl::StatusOr<BatchView> Get(const std::string& property_id, const std::string& batch_id,
                                int page_size, const std::string& page_token);
  // Stops a batch in progress; a batch already over is refused.
  absl::StatusOr<BatchView> Cancel(const std::string& property_id, const std::string& batch_id);

  // The worker's round: releases the items due at `now`, completes the
  // batches that are over, and says when to run again.
  absl::StatusOr<absl::Time> Run(absl::Time now);

 private:
  // Create's checks of the whole request, before any item's.
  absl::Status CheckRequest(const Caller& caller, const BatchRequest& request) const;
  absl::StatusOr<storage::BatchRecord> NewBatch(const Caller& caller, const BatchRequest& request,
                                                absl::Time now) const;
  // Item `index` as stored: accepted, or rejected with why (both counted in
  // `accepted`).
  storage::BatchItemRecord NewItem(const Caller& caller, const storage::BatchRecord& batch,
                                   int index, const BatchItemInput& in, absl::Time now,
                                   BatchAccepted& accepted) const;
  double RateFor(double requested) const;
  absl::Status CheckItem(const std::string& property_id, const BatchItemInput& item) const;
  // Checks the batch's timing and its items' into `batch` and `items`.
  absl::Status ReadTimings(const BatchRequest& request, absl::Time now,
                           storage::BatchRecord& batch) const;
  // The timing an item's message is sent with.
  static TimingRequest ItemTiming(const storage::BatchRecord& batch,
                                  const storage::BatchItemRecord& item);
  absl::StatusOr<storage::BatchRecord> Find(const std::string& property_id,
                                            const std::string& batch_id);
  absl::Status ReleaseBatch(const storage::BatchRecord& batch, absl::Time now);
  // What became of one item's turn.
  struct Release {
    enum Outcome {
      kQueued,   // its message is queued; the next item is one interval later
      kSkipped,  // refused (window, consent...) or cancelled: no slot used
      kWait,     // the sender's queue is full: the batch waits `wait`
    } outcome;
    absl::Duration wait;
  };
  // Queues one item's message; an error (the database) is retried later.
  absl::StatusOr<Release> ReleaseItem(const storage::BatchRecord& batch,
                                      const storage::BatchItemRecord& item, absl::Time next_after);
  absl::Status CompleteDrained(absl::Time now);
  absl::Time EstimateCompletion(const storage::BatchRecord& batch, int pending,
                                absl::Time now) const;

  storage::Database& db_;
  MessagingService& messaging_;
  TemplateService& templates_;
  const Options options_;
  BatchWaker* runner_ = nullptr;
  storage::BatchRepository batches_;
  EventOutbox outbox_;
};

}  // namespace wa::domain
