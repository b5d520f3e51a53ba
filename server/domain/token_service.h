#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
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
  explicit TokenService(storage::Database& db) : db_(db), tokens_(db) {}

  absl::StatusOr<IssuedToken> Create(const std::string& name, hotel::whatsapp::v1::Role role,
                                     const std::string& property_id);
  // UNAUTHENTICATED for a missing, unknown or revoked token.
  absl::StatusOr<Caller> Authenticate(const std::string& secret);
  // Tokens of one property; all properties when `property_id` is empty.
  absl::StatusOr<std::vector<storage::TokenRecord>> List(const std::string& property_id);
  absl::StatusOr<storage::TokenRecord> Revoke(const std::string& token_id,
                                              const std::string& property_id);

 private:
  storage::Database& db_;
  storage::TokenRepository tokens_;
};

}  // namespace wa::domain
