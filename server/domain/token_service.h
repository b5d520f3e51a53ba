#pragma once

#include <string>
#include <vector>

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

class TokenService {
 public:
  // Every call authenticates, so a valid token is remembered for
  // `cache_for` instead of read from the database each time. A revocation
  // through this service takes effect at once; one made by another process
  // (`wa-server tokens revoke`, another instance on PostgreSQL) within
  // `cache_for`. Unknown and revoked tokens are never remembered.
  static constexpr absl::Duration kDefaultCacheFor = absl::Seconds(1);

  explicit TokenService(storage::Database& db, absl::Duration cache_for = kDefaultCacheFor)
      : db_(db), tokens_(db), cache_for_(cache_for) {}

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

  storage::Database& db_;
  storage::TokenRepository tokens_;
  const absl::Duration cache_for_;
  absl::Mutex cache_mu_;
  absl::flat_hash_map<std::string, Remembered> cache_ ABSL_GUARDED_BY(cache_mu_);  // by hash
};

}  // namespace wa::domain
