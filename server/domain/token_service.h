#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/database.h"
#include "server/storage/records.h"
#include "server/storage/token_repository.h"

namespace wa::domain {

// Who is calling: resolved from the bearer token once per call.
struct Caller {
  std::string token_id;
  hotel::whatsapp::v1::Role role = hotel::whatsapp::v1::ROLE_UNSPECIFIED;
  std::string property_id;
};

struct IssuedToken {
  storage::TokenRecord record;
  std::string secret;  // shown once, never stored
};

// Database reads for tokens never seen valid (TokenService).
struct UnknownTokenReads {
  double per_second = 100;
  double burst = 200;
};

class TokenService {
 public:
  // Every call authenticates, so a valid token is remembered for
  // `cache_for` instead of read from the database each time. A revocation
  // through this service takes effect at once; one made by another process
  // (`wa-server tokens revoke`, another instance on PostgreSQL) within
  // `cache_for`.
  //
  // Unknown and revoked tokens cost no read each time either: one read and
  // not found is remembered as unknown for `cache_for`, and reads for
  // tokens this service has never seen valid (random guesses) are budgeted;
  // past the budget such a token is refused without a read. Tokens seen
  // valid before, those in the database at the first call and those
  // created here are never held to the budget.
  static constexpr absl::Duration kDefaultCacheFor = absl::Seconds(1);
  using UnknownReads = UnknownTokenReads;

  explicit TokenService(storage::Database& db, absl::Duration cache_for = kDefaultCacheFor,
                        UnknownReads unknown_reads = UnknownReads{})
      : db_(db),
        tokens_(db),
        cache_for_(cache_for),
        unknown_reads_(unknown_reads),
        read_allowance_(unknown_reads.burst) {}

  // Token look-ups that went to the database, for tests and metrics.
  int64_t database_reads() const { return database_reads_.load(); }

  absl::StatusOr<IssuedToken> Create(const std::string& name, hotel::whatsapp::v1::Role role,
                                     const std::string& property_id);
  // UNAUTHENTICATED for a missing, unknown or revoked token.
  absl::StatusOr<Caller> Authenticate(const std::string& secret);
  // Tokens of one property; all properties when `property_id` is empty.
  absl::StatusOr<std::vector<storage::TokenRecord>> List(const std::string& property_id);
  absl::StatusOr<storage::TokenRecord> Revoke(const std::string& token_id,
                                              const std::string& property_id);

 private:
  struct Remembered {
    Caller caller;
    absl::Time until;
  };

  // Whether `hash` may be looked up now; false answers it as unknown.
  bool MayRead(const std::string& hash, absl::Time now);
  // Once: the tokens the database holds count as known, so that after a
  // restart a flood of guesses cannot crowd them out of the budget.
  void LoadKnownOnce();
  void RememberUnknown(const std::string& hash, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(cache_mu_);

  storage::Database& db_;
  storage::TokenRepository tokens_;
  const absl::Duration cache_for_;
  const UnknownReads unknown_reads_;
  std::atomic<int64_t> database_reads_{0};
  absl::once_flag known_loaded_;
  absl::Mutex cache_mu_;
  // By hash; entries past `until` stay, as tokens known to have been valid.
  absl::flat_hash_map<std::string, Remembered> cache_ ABSL_GUARDED_BY(cache_mu_);
  // Hashes read and not found (or revoked), until when they are refused unread.
  absl::flat_hash_map<std::string, absl::Time> unknown_ ABSL_GUARDED_BY(cache_mu_);
  double read_allowance_ ABSL_GUARDED_BY(cache_mu_);
  absl::Time allowance_at_ ABSL_GUARDED_BY(cache_mu_) = absl::InfinitePast();
};

}  // namespace wa::domain
