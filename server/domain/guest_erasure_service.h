#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/event_outbox.h"
#include "server/domain/guest_hash.h"
#include "server/storage/database.h"
#include "server/storage/guest_erasure_repository.h"
#include "server/storage/media_store.h"

namespace wa::domain {

struct ErasureRequest {
  std::string guest_phone;  // the path's segment: a phone, a BSUID or "-"
  std::string guest_user_id;
  std::string reason;
};

struct ErasureResult {
  std::string guest_hash;
  absl::Time erased_at;
  int64_t messages = 0;
  int64_t conversations = 0;
  int64_t media_files = 0;
  int64_t raw_callbacks = 0;
  int64_t webhook_events = 0;
  bool already_erased = false;
};

// Erases a guest on request (README, "Guest data"). The work goes in small
// transactions (a page of messages each), so sends are never held up
// behind a guest with a long history; the last one renames what is left
// (conversations, consent history) to the guest's hash, records the
// erasure and emits `guest_erased`. A crash midway leaves a guest partly
// erased, and the same call again finishes the job: every step only ever
// finds what is left.
class GuestErasureService {
 public:
  GuestErasureService(storage::Database& db, const storage::MediaStore& media,
                      const GuestHasher& hasher, EventWaker* event_waker = nullptr)
      : db_(db), media_(media), hasher_(hasher), outbox_(db, event_waker), erasures_(db) {}

  absl::StatusOr<ErasureResult> Erase(const std::string& property_id, const ErasureRequest& r);

 private:
  struct Guest;
  absl::StatusOr<Guest> Identify(const std::string& property_id, const ErasureRequest& r);
  // Empties the guest's messages page by page; the media they named are
  // added to `media_ids`. Runs its own transactions unless `in_transaction`.
  absl::StatusOr<int64_t> ClearMessages(const Guest& guest, bool in_transaction,
                                        std::vector<std::string>* media_ids);
  absl::StatusOr<int64_t> RemoveMedia(const Guest& guest,
                                      const std::vector<std::string>& media_ids);
  absl::Status ForgetElsewhere(const Guest& guest, ErasureResult& result);
  absl::Status Finish(const Guest& guest, ErasureResult& result);

  storage::Database& db_;
  const storage::MediaStore& media_;
  const GuestHasher& hasher_;
  EventOutbox outbox_;
  storage::GuestErasureRepository erasures_;
};

}  // namespace wa::domain
