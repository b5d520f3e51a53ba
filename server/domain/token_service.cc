#include "server/domain/token_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/ids.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

absl::StatusOr<IssuedToken> TokenService::Create(const std::string& name, v1::Role role,
                                                 const std::string& property_id) {
  if (absl::StripAsciiWhitespace(name).empty()) {
    return InvalidArgument("name must not be empty", "name");
  }
  if (role != v1::ROLE_STAFF && role != v1::ROLE_ADMIN) {
    return InvalidArgument("role must be staff or admin", "role");
  }
  if (property_id.empty()) return InvalidArgument("property must not be empty", "property_id");
  IssuedToken issued;
  issued.secret = NewSecret();
  issued.record = storage::TokenRecord{
      NewId("tok_"), name, role, property_id, Sha256Hex(issued.secret), absl::Now(), std::nullopt};
  absl::Status status = db_.Transaction([&] { return tokens_.Insert(issued.record); });
  if (!status.ok()) return status;
  absl::MutexLock lock(&cache_mu_);
  cache_[issued.record.hash] =
      Remembered{Caller{issued.record.token_id, role, property_id}, absl::Now() + cache_for_};
  return issued;
}

namespace {

// Bounds the memory of unknown hashes under a flood of distinct guesses.
constexpr size_t kMaxUnknownRemembered = 100000;

}  // namespace

void TokenService::RememberUnknown(const std::string& hash, absl::Time now) {
  if (unknown_.size() >= kMaxUnknownRemembered) unknown_.clear();
  unknown_[hash] = now + cache_for_;
}

void TokenService::LoadKnownOnce() {
  absl::call_once(known_loaded_, [this] {
    absl::StatusOr<std::vector<storage::TokenRecord>> all =
        storage::ReadValue(db_, [&] { return tokens_.List(""); });
    if (!all.ok()) return;  // then every token is read the first time, within the budget
    absl::MutexLock lock(&cache_mu_);
    for (const storage::TokenRecord& t : *all) {
      // Known, not yet trusted: the first call still reads it.
      if (!t.revoked_at) {
        cache_.try_emplace(
            t.hash, Remembered{Caller{t.token_id, t.role, t.property_id}, absl::InfinitePast()});
      }
    }
  });
}

bool TokenService::MayRead(const std::string& hash, absl::Time now) {
  LoadKnownOnce();
  absl::MutexLock lock(&cache_mu_);
  if (auto it = unknown_.find(hash); it != unknown_.end()) {
    if (now < it->second) return false;
    unknown_.erase(it);
  }
  if (cache_.contains(hash)) return true;  // valid before: re-read it
  if (allowance_at_ != absl::InfinitePast()) {
    double refill = absl::ToDoubleSeconds(now - allowance_at_) * unknown_reads_.per_second;
    read_allowance_ = std::min(unknown_reads_.burst, read_allowance_ + std::max(0.0, refill));
  }
  allowance_at_ = now;
  if (read_allowance_ < 1) return false;
  read_allowance_ -= 1;
  return true;
}

absl::StatusOr<Caller> TokenService::Authenticate(const std::string& secret) {
  auto unauthenticated = [](const char* why) {
    return Error(absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED", why)
        .Recovery({"Send 'Authorization: Bearer <token>' with a token issued by an admin"})
        .Build();
  };
  if (secret.empty()) return unauthenticated("missing bearer token");
  std::string hash = Sha256Hex(secret);
  absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&cache_mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now < it->second.until) return it->second.caller;
  }
  if (!MayRead(hash, now)) return unauthenticated("unknown or revoked bearer token");
  database_reads_.fetch_add(1);
  absl::StatusOr<std::optional<storage::TokenRecord>> token =
      storage::ReadValue(db_, [&] { return tokens_.FindByHash(hash); });
  if (!token.ok()) return token.status();
  absl::MutexLock lock(&cache_mu_);
  if (!*token || (*token)->revoked_at) {
    cache_.erase(hash);
    RememberUnknown(hash, now);
    return unauthenticated("unknown or revoked bearer token");
  }
  Caller caller{(*token)->token_id, (*token)->role, (*token)->property_id};
  cache_[hash] = Remembered{caller, now + cache_for_};
  return caller;
}

absl::StatusOr<std::vector<storage::TokenRecord>> TokenService::List(
    const std::string& property_id) {
  return storage::ReadValue(db_, [&] { return tokens_.List(property_id); });
}

absl::StatusOr<storage::TokenRecord> TokenService::Revoke(const std::string& token_id,
                                                          const std::string& property_id) {
  absl::StatusOr<storage::TokenRecord> revoked =
      storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::TokenRecord> {
        absl::StatusOr<bool> done = tokens_.Revoke(token_id, property_id, absl::Now());
        if (!done.ok()) return done.status();
        if (!*done) return NotFound("token", token_id);
        absl::StatusOr<std::optional<storage::TokenRecord>> found = tokens_.Get(token_id);
        if (!found.ok()) return found.status();
        return **found;
      });
  if (revoked.ok()) {
    absl::MutexLock lock(&cache_mu_);
    cache_.erase(revoked->hash);
    RememberUnknown(revoked->hash, absl::Now());
  }
  return revoked;
}

}  // namespace wa::domain
