#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace wa::storage {

// The backup file of `wa-server backup`: a POSIX tar (ustar) archive, so
// an operator can look inside with `tar tf` or take it apart by hand.
// Files are copied through a small buffer, never whole in memory.
class ArchiveWriter {
 public:
  // Writes to `path` (created; refused if it exists).
  static absl::StatusOr<std::unique_ptr<ArchiveWriter>> Create(const std::string& path);
  ~ArchiveWriter();

  // Adds the file at `source` under `name` (a relative path).
  absl::Status Add(const std::string& name, const std::string& source);
  // The end-of-archive blocks, flushed to disk. Until then the archive is
  // not a whole one.
  absl::Status Finish();
  int64_t bytes() const { return bytes_; }

 private:
  explicit ArchiveWriter(std::FILE* file) : file_(file) {}
  absl::Status Write(const char* data, size_t size);

  std::FILE* file_;
  int64_t bytes_ = 0;
};

// Reads an archive ArchiveWriter made, calling `extract(name, size, read)`
// for each file; `read(buffer, n)` gives the file's next bytes. Refuses
// names that climb out of the target (absolute, "..") and damaged headers.
using ArchiveEntry = std::function<absl::Status(
    const std::string& name, int64_t size,
    const std::function<absl::StatusOr<size_t>(char* buffer, size_t n)>& read)>;
absl::Status ReadArchive(const std::string& path, const ArchiveEntry& extract);

}  // namespace wa::storage
