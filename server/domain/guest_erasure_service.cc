#include "server/domain/guest_erasure_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/guest_directory.h"
#include "server/domain/lifecycle_events.h"
#include "server/domain/message_payload.h"
#include "server/storage/consent_repository.h"
#include "server/util/log.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr int kPage = 500;
constexpr int64_t kAuditSpan = 50000;
constexpr size_t kMaxReason = 500;

// The media a stored message names.
std::string MediaOf(const storage::ErasableMessage& m) {
  storage::MessageRecord record;
  record.direction = static_cast<v1::Direction>(m.direction);
  record.payload = m.payload;
  return MediaIdOf(record);
}

std::string Quoted(const std::string& s) { return absl::StrCat("\"", s, "\""); }

}  // namespace

// Everything that names the guest.
struct GuestErasureService::Guest {
  std::string property_id;
  std::string key;
  std::string phone;                 // E.164 or ""
  std::string hash;                  // of `key`: what stands for them from now on
  std::vector<std::string> keys;     // the key and every other key they had
  std::vector<std::string> needles;  // text that names them (phone, BSUIDs, usernames)
  std::vector<std::string> names;    // profile names: theirs, but not only theirs
  std::vector<std::string> hashes;   // of `keys`, in order
  storage::ConsentRecord consent;    // what erasure keeps honouring
  std::string reason;                // the request's
};

absl::StatusOr<GuestErasureService::Guest> GuestErasureService::Identify(
    const std::string& property_id, const ErasureRequest& r) {
  if (r.reason.empty() || r.reason.size() > kMaxReason) {
    return InvalidArgument("reason is required, at most 500 characters", "reason");
  }
  absl::StatusOr<GuestAddress> address = ParseNamedGuest(r.guest_phone, r.guest_user_id);
  if (!address.ok()) return address.status();
  Guest g;
  g.property_id = property_id;
  g.reason = r.reason;
  GuestDirectory directory(db_);
  storage::ConsentRepository consent(db_);
  absl::Status read = db_.Read([&]() -> absl::Status {
    absl::StatusOr<std::string> key = directory.KeyFor(property_id, *address);
    if (!key.ok()) return key.status();
    g.key = *key;
    g.phone = PhoneOfKey(g.key);
    g.keys = {g.key};
    if (!g.phone.empty()) g.needles = {g.phone, g.phone.substr(1)};
    if (!address->user_id.empty()) g.needles.push_back(address->user_id);
    absl::StatusOr<std::vector<storage::GuestIdentityRecord>> ids =
        erasures_.Identities(property_id, g.key);
    if (!ids.ok()) return ids.status();
    for (const storage::GuestIdentityRecord& id : *ids) {
      g.keys.push_back(BsuidKey(id.user_id));
      for (const std::string* s : {&id.user_id, &id.parent_user_id, &id.username}) {
        if (!s->empty()) g.needles.push_back(*s);
      }
      if (!id.profile_name.empty()) g.names.push_back(id.profile_name);
    }
    absl::StatusOr<std::string> profile = erasures_.ProfileName(property_id, g.key);
    if (!profile.ok()) return profile.status();
    if (!profile->empty()) g.names.push_back(*profile);
    absl::StatusOr<storage::ConsentRecord> current = consent.Get(property_id, g.key);
    if (!current.ok()) return current.status();
    g.consent = *current;
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  std::sort(g.keys.begin(), g.keys.end());
  g.keys.erase(std::unique(g.keys.begin(), g.keys.end()), g.keys.end());
  std::sort(g.needles.begin(), g.needles.end());
  g.needles.erase(std::unique(g.needles.begin(), g.needles.end()), g.needles.end());
  for (const std::string& key : g.keys) {
    absl::StatusOr<std::string> hash = hasher_.Hash(property_id, key);
    if (!hash.ok()) return hash.status();
    g.hashes.push_back(*hash);
    if (key == g.key) g.hash = *hash;
  }
  if (!g.consent.updated_at) {
    // Erased before and not heard from since: the kept opt-out still holds.
    absl::StatusOr<std::optional<storage::ConsentRecord>> kept = storage::ReadValue(
        db_, [&] { return storage::ConsentRepository(db_).ErasedConsent(property_id, g.hash); });
    if (!kept.ok()) return kept.status();
    if (kept->has_value()) g.consent = **kept;
  }
  return g;
}

absl::StatusOr<int64_t> GuestErasureService::ClearMessages(const Guest& guest, bool in_transaction,
                                                           std::vector<std::string>* media_ids) {
  absl::StatusOr<std::vector<std::string>> conversations =
      in_transaction ? erasures_.ConversationIds(guest.property_id, guest.key)
                     : storage::ReadValue(db_, [&] {
                         return erasures_.ConversationIds(guest.property_id, guest.key);
                       });
  if (!conversations.ok()) return conversations.status();
  const absl::Time now = absl::Now();
  int64_t cleared = 0;
  for (const std::string& conversation_id : *conversations) {
    int64_t after = 0;
    while (true) {
      auto page = [&]() -> absl::StatusOr<size_t> {
        absl::StatusOr<std::vector<storage::ErasableMessage>> rows =
            erasures_.MessagesPage(conversation_id, guest.key, after, kPage);
        if (!rows.ok()) return rows.status();
        if (rows->empty()) return size_t{0};
        for (const storage::ErasableMessage& m : *rows) {
          if (std::string media = MediaOf(m); !media.empty()) media_ids->push_back(media);
        }
        absl::StatusOr<int64_t> n = erasures_.ClearMessages(conversation_id, guest.key, after,
                                                            rows->back().seq, guest.hash, now);
        after = rows->back().seq;
        if (!n.ok()) return n.status();
        cleared += *n;
        return rows->size();
      };
      absl::StatusOr<size_t> rows = in_transaction ? page() : storage::TransactValue(db_, page);
      if (!rows.ok()) return rows.status();
      if (*rows < static_cast<size_t>(kPage)) break;
    }
  }
  return cleared;
}

absl::StatusOr<int64_t> GuestErasureService::RemoveMedia(
    const Guest& guest, const std::vector<std::string>& media_ids) {
  int64_t files = 0;
  for (const std::string& media_id : media_ids) {
    // A file of ours other guests were sent too is not this guest's data.
    absl::StatusOr<std::optional<std::string>> unused =
        storage::TransactValue(db_, [&]() -> absl::StatusOr<std::optional<std::string>> {
          absl::StatusOr<bool> in_use = erasures_.MediaInUse(guest.property_id, media_id);
          if (!in_use.ok()) return in_use.status();
          if (*in_use) return std::optional<std::string>();
          return erasures_.DeleteMedia(guest.property_id, media_id);
        });
    if (!unused.ok()) return unused.status();
    if (!unused->has_value()) continue;
    // After the commit: a file removed for a record still there would be a
    // download that fails; a file left by a crash here is what `wa-server
    // check` reports as unreferenced.
    if (absl::Status s = media_.Remove(**unused); !s.ok()) return s;
    ++files;
  }
  return files;
}

absl::Status GuestErasureService::ForgetElsewhere(const Guest& guest, ErasureResult& result) {
  std::vector<std::string> quoted;
  for (const std::string& n : guest.needles) quoted.push_back(Quoted(n));
  absl::StatusOr<int64_t> callbacks =
      storage::TransactValue(db_, [&] { return erasures_.DeleteRawCallbacks(quoted); });
  if (!callbacks.ok()) return callbacks.status();
  result.raw_callbacks = *callbacks;
  absl::StatusOr<int64_t> events = storage::TransactValue(
      db_, [&] { return erasures_.DeleteWebhookEvents(guest.property_id, quoted); });
  if (!events.ok()) return events.status();
  result.webhook_events = *events;
  absl::StatusOr<int64_t> answers = storage::TransactValue(
      db_, [&] { return erasures_.DeleteIdempotentAnswers(guest.property_id, guest.needles); });
  if (!answers.ok()) return answers.status();
  // The audit log keeps its records; the guest's names in them become the hash.
  std::vector<std::string> names;
  for (const std::string& n : guest.needles) {
    if (n.size() >= 4) names.push_back(n);  // short usernames would rewrite unrelated text
  }
  names.insert(names.end(), guest.keys.begin(), guest.keys.end());
  for (int64_t after = 0, top = 1; after < top; after += kAuditSpan) {
    absl::StatusOr<int64_t> highest = storage::TransactValue(db_, [&] {
      return erasures_.RewriteAudit(guest.property_id, names, guest.names, guest.hash, after,
                                    kAuditSpan);
    });
    if (!highest.ok()) return highest.status();
    top = *highest;
  }
  return absl::OkStatus();
}

absl::Status GuestErasureService::Finish(const Guest& guest, ErasureResult& result) {
  std::vector<std::string> late_media;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    late_media.clear();
    // Whatever arrived since the pages were cleared.
    absl::StatusOr<int64_t> late = ClearMessages(guest, /*in_transaction=*/true, &late_media);
    if (!late.ok()) return late.status();
    absl::StatusOr<int64_t> conversations =
        erasures_.Rekey(guest.property_id, guest.key, guest.phone, guest.hash);
    if (!conversations.ok()) return conversations.status();
    bool first = false;
    for (const std::string& hash : guest.hashes) {
      absl::StatusOr<bool> recorded = erasures_.RecordErasure(
          guest.property_id, hash, guest.consent, guest.reason, result.erased_at);
      if (!recorded.ok()) return recorded.status();
      first = first || (*recorded && hash == guest.hash);
    }
    result.messages += *late;
    result.conversations = *conversations;
    result.already_erased = !first && result.messages == 0 && result.conversations == 0;
    if (result.already_erased) return absl::OkStatus();
    return EmitGuestErased(outbox_, guest.property_id, guest.hash, result.erased_at,
                           result.messages, result.conversations);
  });
  if (!status.ok()) return status;
  absl::StatusOr<int64_t> files = RemoveMedia(guest, late_media);
  if (!files.ok()) return files.status();
  result.media_files += *files;
  return absl::OkStatus();
}

absl::StatusOr<ErasureResult> GuestErasureService::Erase(const std::string& property_id,
                                                         const ErasureRequest& r) {
  absl::StatusOr<Guest> guest = Identify(property_id, r);
  if (!guest.ok()) return guest.status();
  ErasureResult result;
  result.guest_hash = guest->hash;
  result.erased_at = absl::Now();
  std::vector<std::string> media_ids;
  absl::StatusOr<int64_t> messages = ClearMessages(*guest, /*in_transaction=*/false, &media_ids);
  if (!messages.ok()) return messages.status();
  result.messages = *messages;
  absl::StatusOr<int64_t> files = RemoveMedia(*guest, media_ids);
  if (!files.ok()) return files.status();
  result.media_files = *files;
  if (absl::Status s = ForgetElsewhere(*guest, result); !s.ok()) return s;
  if (absl::Status s = Finish(*guest, result); !s.ok()) return s;
  util::LogInfo("guest erased in property ", property_id, " as ", result.guest_hash, ": ",
                result.messages, " messages, ", result.media_files, " media files");
  return result;
}

}  // namespace wa::domain
