#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace wa::storage {

// The secret key per property of the hash that replaces an erased guest's
// phone and BSUID (README, "Guest data"), one file each in a directory
// outside the database (<data_dir>/keys unless --erasure_key_dir): a copy
// of the database alone cannot tell which number a hash stands for by
// hashing candidate numbers, and the key is lost with the data directory.
// Instances sharing a PostgreSQL database must share the directory (as
// they share --media_dir), or an erased guest's opt-out is honoured only
// by the instance that erased them.
class ErasureKeys {
 public:
  explicit ErasureKeys(std::string dir) : dir_(std::move(dir)) {}

  // The property's 32-byte key, created on first use. Written whole before
  // it is linked in under its name, and read back, so two processes racing
  // agree on the one that won and none ever reads a key half-written.
  absl::StatusOr<std::string> KeyFor(const std::string& property_id);
  const std::string& dir() const { return dir_; }

 private:
  absl::StatusOr<std::string> LoadOrCreate(const std::string& property_id);

  const std::string dir_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wa::storage
