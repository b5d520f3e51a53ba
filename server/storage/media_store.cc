#include "server/storage/media_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace wa::storage {
namespace {

namespace fs = std::filesystem;

constexpr char kTempDir[] = "tmp";

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// A rename is durable only once its directory is flushed.
absl::Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot flush directory", dir);
  return absl::OkStatus();
}

}  // namespace

struct MediaStore::Writer::Hash {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Hash() { EVP_MD_CTX_free(ctx); }
};

MediaStore::MediaStore(std::string root) : root_(std::move(root)) {}

absl::Status MediaStore::Init() {
  std::error_code error;
  fs::create_directories(fs::path(root_) / kTempDir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("media directory ", root_, " is unusable: ", error.message()));
  }
  for (const fs::directory_entry& entry :
       fs::directory_iterator(fs::path(root_) / kTempDir, error)) {
    fs::remove(entry.path(), error);
  }
  return absl::OkStatus();
}

namespace {

// The lock file removals share and a backup holds alone (flock: released
// when its holder exits, however it exits).
absl::StatusOr<int> LockStore(const std::string& root, int operation) {
  std::string path = (fs::path(root) / ".removal.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot open", path);
  while (::flock(fd, operation) != 0) {
    if (errno == EINTR) continue;
    absl::Status status = Errno("cannot lock", path);
    ::close(fd);
    return status;
  }
  return fd;
}

}  // namespace

MediaStore::BackupHold::~BackupHold() { ::close(fd_); }

absl::StatusOr<std::unique_ptr<MediaStore::BackupHold>> MediaStore::HoldForBackup() const {
  absl::StatusOr<int> fd = LockStore(root_, LOCK_EX);
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<BackupHold>(new BackupHold(*fd));
}

absl::Status MediaStore::Remove(const std::string& sha256) const {
  absl::StatusOr<int> fd = LockStore(root_, LOCK_SH);
  if (!fd.ok()) return fd.status();
  std::string path = PathFor(sha256);
  absl::Status status;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    status = Errno("cannot remove", path);
  } else {
    status = SyncDirectory(fs::path(path).parent_path().string());
  }
  ::close(*fd);
  return status;
}

std::string MediaStore::PathFor(const std::string& sha256) const {
  return (fs::path(root_) / sha256.substr(0, 2) / sha256).string();
}

absl::StatusOr<std::unique_ptr<MediaStore::Writer>> MediaStore::NewWriter() const {
  std::string path = (fs::path(root_) / kTempDir / "upload-XXXXXX").string();
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return Errno("cannot create", path);
  return std::unique_ptr<Writer>(new Writer(*this, fd, std::move(path)));
}

absl::StatusOr<std::unique_ptr<MediaStore::Reader>> MediaStore::Open(
    const std::string& sha256) const {
  std::string path = PathFor(sha256);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    std::string why =
        absl::StrCat("stored media file ", path, " cannot be opened: ", std::strerror(error));
    return error == ENOENT ? absl::NotFoundError(why) : absl::DataLossError(why);
  }
  return std::unique_ptr<Reader>(new Reader(fd));
}

MediaStore::Writer::Writer(const MediaStore& store, int fd, std::string temp_path)
    : store_(store), fd_(fd), temp_path_(std::move(temp_path)), hash_(std::make_unique<Hash>()) {
  EVP_DigestInit_ex(hash_->ctx, EVP_sha256(), nullptr);
}

MediaStore::Writer::~Writer() { Discard(); }

void MediaStore::Writer::Discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

absl::Status MediaStore::Writer::Append(absl::string_view data) {
  if (fd_ < 0) return absl::FailedPreconditionError("media writer is closed");
  EVP_DigestUpdate(hash_->ctx, data.data(), data.size());
  size_ += data.size();
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", temp_path_);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MediaStore::Writer::Finish() {
  if (fd_ < 0) return absl::FailedPreconditionError("media writer is closed");
  if (::fsync(fd_) != 0) return Errno("cannot flush", temp_path_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(hash_->ctx, digest, &length);
  sha256_ = absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), length));
  return sha256_;
}

absl::Status MediaStore::Writer::Commit() {
  if (sha256_.empty()) return absl::FailedPreconditionError("media writer not finished");
  ::close(fd_);
  fd_ = -1;
  std::string target = store_.PathFor(sha256_);
  std::string dir = fs::path(target).parent_path().string();
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", error.message()));
  if (fs::exists(target, error)) {
    Discard();  // the same bytes are stored already
    return absl::OkStatus();
  }
  // Two uploads of the same bytes may race here; rename replaces
  // atomically and both files hold the same bytes.
  if (::rename(temp_path_.c_str(), target.c_str()) != 0) return Errno("cannot store", target);
  temp_path_.clear();
  if (auto s = SyncDirectory(dir); !s.ok()) return s;
  return SyncDirectory(store_.root());
}

MediaStore::Reader::~Reader() { ::close(fd_); }

absl::Status MediaStore::Reader::Read(size_t max, std::string* out) {
  out->resize(max);
  while (true) {
    ssize_t n = ::read(fd_, out->data(), max);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out->clear();
      return absl::DataLossError(absl::StrCat("cannot read stored media: ", std::strerror(errno)));
    }
    out->resize(static_cast<size_t>(n));
    return absl::OkStatus();
  }
}

}  // namespace wa::storage
