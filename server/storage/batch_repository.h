#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "server/storage/database.h"

namespace wa::storage {

// A batch send: its options, and when its next item is due for release
// (unset once nothing waits).
struct BatchRecord {
  std::string batch_id;
  std::string property_id;
  std::string staff_member_id;
  double messages_per_second = 0;
  int batch_size = 0;
  bool retry_failed = false;
  bool track_delivery = false;
  int total = 0;
  hotel::whatsapp::v1::BatchStatus status = hotel::whatsapp::v1::BATCH_STATUS_IN_PROGRESS;
  absl::Time created_at;
  std::optional<absl::Time> next_release_at;
  std::optional<absl::Time> completed_at;
  std::optional<absl::Time> cancelled_at;
  std::string phone_number_id;  // the number asked for; empty: each item's own
  // The batch's send_at (its first release), valid_until and quiet hours,
  // which its items' messages take unless they have their own.
  std::optional<absl::Time> scheduled_for;
  std::optional<absl::Time> valid_until;
  bool quiet_hours = false;
};

// Where an item is in its batch's own life; once released, its message's
// status says the rest.
enum class BatchItemState {
  kPending = 1,    // waits for its turn
  kReleased = 2,   // a message exists
  kRejected = 3,   // invalid when the batch was accepted
  kFailed = 4,     // refused when released (window, consent, template)
  kCancelled = 5,  // the batch was cancelled first
};

struct BatchItemRecord {
  std::string batch_id;
  int index = 0;
  std::string phone;
  std::string content;
  std::string template_name;
  std::string language;
  std::map<std::string, std::string> parameters;
  // The item's own send_at and valid_until, and whether it respects quiet hours.
  std::optional<absl::Time> send_at;
  std::optional<absl::Time> valid_until;
  bool quiet_hours = false;
  BatchItemState state = BatchItemState::kPending;
  std::string message_id;
  std::string error_code;
  std::string error_message;
  std::optional<absl::Time> released_at;
  // Read from the item's message, when there is one.
  hotel::whatsapp::v1::MessageStatus message_status =
      hotel::whatsapp::v1::MESSAGE_STATUS_UNSPECIFIED;
  std::optional<absl::Time> sent_at;
  std::string failure_reason;
};

// A batch's funnel, counted by SQL over its items and their messages.
struct BatchCounts {
  int pending = 0;
  int queued = 0;  // pending or released and not yet sent
  int sent = 0;    // sent or further
  int delivered = 0;
  int read = 0;
  int failed = 0;
  int cancelled = 0;
  std::vector<std::pair<std::string, int>> failures;  // reason, count; most first
};

class BatchRepository {
 public:
  explicit BatchRepository(Database& db) : db_(db) {}

  absl::Status Insert(const BatchRecord& batch);
  absl::Status InsertItem(const BatchItemRecord& item);
  absl::StatusOr<std::optional<BatchRecord>> Get(const std::string& batch_id);

  // Batches whose next item is due at `now`.
  absl::StatusOr<std::vector<BatchRecord>> DueForRelease(absl::Time now, int limit);
  // Takes a due batch for a round of releases if its next release is still
  // `seen` (what DueForRelease read), holding it until `hold_until`; false
  // when another instance took it meanwhile.
  absl::StatusOr<bool> ClaimRelease(const std::string& batch_id, absl::Time seen,
                                    absl::Time hold_until);
  absl::StatusOr<std::optional<absl::Time>> NextReleaseAt();
  // The first `limit` items still waiting, in order.
  absl::StatusOr<std::vector<BatchItemRecord>> PendingItems(const std::string& batch_id, int limit);
  // Moves a pending item on; false if it was not pending any more (the
  // batch was cancelled meanwhile).
  absl::StatusOr<bool> MarkReleased(const std::string& batch_id, int index,
                                    const std::string& message_id, absl::Time at);
  absl::StatusOr<bool> MarkFailed(const std::string& batch_id, int index, const std::string& code,
                                  const std::string& message);
  absl::Status SetNextRelease(const std::string& batch_id, std::optional<absl::Time> at);
  // Stops the batch: no further release; waiting items become cancelled.
  absl::Status Cancel(const std::string& batch_id, absl::Time at);
  // In-progress batches with nothing left to release and no message still
  // waiting for the provider.
  absl::StatusOr<std::vector<BatchRecord>> Drained(int limit);
  // False if the batch was no longer in progress (cancelled meanwhile).
  absl::StatusOr<bool> MarkCompleted(const std::string& batch_id, absl::Time at);

  absl::StatusOr<BatchCounts> Count(const std::string& batch_id);
  // Items after `after_index`, in order, with their messages' state.
  absl::StatusOr<std::vector<BatchItemRecord>> Items(const std::string& batch_id, int after_index,
                                                     int limit);

 private:
  Database& db_;
};

}  // namespace wa::storage
