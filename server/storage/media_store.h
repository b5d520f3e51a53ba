#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wa::storage {

// Media files on disk, content-addressed: a file is named by the SHA-256 of
// its bytes (`<root>/ab/ab12...`), so the same bytes are stored once however
// often they are uploaded. Files are written to `<root>/tmp/` as they
// arrive (never held in memory), flushed, and only then moved into place.
class MediaStore {
 public:
  // A file being written. Discarded (the temporary file removed) unless
  // Commit() succeeds.
  class Writer {
   public:
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    absl::Status Append(absl::string_view data);
    uint64_t size() const { return size_; }
    // Where the bytes are until Commit(): for content sniffing.
    const std::string& temp_path() const { return temp_path_; }
    // Flushes the file to disk and returns the lower-case hex SHA-256.
    absl::StatusOr<std::string> Finish();
    // Moves the finished file to its content address (or drops it if the
    // same bytes are already there) and makes the move durable.
    absl::Status Commit();
    void Discard();

   private:
    friend class MediaStore;
    struct Hash;
    Writer(const MediaStore& store, int fd, std::string temp_path);

    const MediaStore& store_;
    int fd_;
    std::string temp_path_;
    std::unique_ptr<Hash> hash_;
    uint64_t size_ = 0;
    std::string sha256_;
  };

  // A stored file opened for reading.
  class Reader {
   public:
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    // Up to `max` bytes into `out` (replacing its contents); empty at the end.
    absl::Status Read(size_t max, std::string* out);

   private:
    friend class MediaStore;
    explicit Reader(int fd) : fd_(fd) {}
    int fd_;
  };

  // `root` is `<data_dir>/media`; created if missing.
  explicit MediaStore(std::string root);

  // Creates the folders and removes temporary files left by a crash
  // mid-upload. Call once at start-up, before any upload.
  absl::Status Init();
  absl::StatusOr<std::unique_ptr<Writer>> NewWriter() const;
  absl::StatusOr<std::unique_ptr<Reader>> Open(const std::string& sha256) const;
  std::string PathFor(const std::string& sha256) const;
  // Removes a stored file whose bytes nothing uses any more, durably. Waits
  // while a backup holds the store (below), so a backup never misses a
  // file its database copy names.
  absl::Status Remove(const std::string& sha256) const;

  // Held by `wa-server backup` from its database snapshot until every file
  // the snapshot names is copied: removals (erasure, retention) wait, in
  // any process, meanwhile. Uploads go on (files the snapshot cannot name).
  class BackupHold {
   public:
    ~BackupHold();
    BackupHold(const BackupHold&) = delete;
    BackupHold& operator=(const BackupHold&) = delete;

   private:
    friend class MediaStore;
    explicit BackupHold(int fd) : fd_(fd) {}
    int fd_;
  };
  absl::StatusOr<std::unique_ptr<BackupHold>> HoldForBackup() const;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

}  // namespace wa::storage
