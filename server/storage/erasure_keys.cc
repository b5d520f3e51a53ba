#include "server/storage/erasure_keys.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace wa::storage {
namespace {

constexpr size_t kKeyBytes = 32;

// `count` random bytes from OpenSSL, as hex.
absl::StatusOr<std::string> RandomHex(size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    return absl::InternalError("no random bytes");
  }
  return absl::BytesToHexString(bytes);
}

// Makes `path` hold `hex` unless it exists already (another process won),
// never visible half-written: the key is written and made durable in a
// file of its own (a random name, so no other writer shares it), then
// linked in under its name (link() refuses a name that exists), and the
// directory is synced so that the name survives a crash. A crash part-way
// leaves at most a stray temporary file, never an empty key file that
// every later start would refuse.
absl::Status WriteNew(const std::string& dir, const std::string& path, const std::string& hex) {
  absl::StatusOr<std::string> tag = RandomHex(8);
  if (!tag.ok()) return tag.status();
  const std::string temp = absl::StrCat(path, ".", *tag, ".tmp");
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot create ", temp, ": ", strerror(errno)));
  }
  std::string line = hex + "\n";
  bool ok =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  close(fd);
  bool linked = ok && (link(temp.c_str(), path.c_str()) == 0 || errno == EEXIST);
  unlink(temp.c_str());
  if (!linked) return absl::InternalError(absl::StrCat("cannot write ", path));
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ErasureKeys::KeyFor(const std::string& property_id) {
  absl::MutexLock lock(&mu_);
  if (auto it = keys_.find(property_id); it != keys_.end()) return it->second;
  absl::StatusOr<std::string> key = LoadOrCreate(property_id);
  if (key.ok()) keys_[property_id] = *key;
  return key;
}

absl::StatusOr<std::string> ErasureKeys::LoadOrCreate(const std::string& property_id) {
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error)
    return absl::InternalError(absl::StrCat("cannot create ", dir_, ": ", error.message()));
  // Property ids are the operator's words: hex keeps any of them a file name.
  const std::string path = absl::StrCat(dir_, "/", absl::BytesToHexString(property_id), ".key");
  absl::StatusOr<std::string> fresh = RandomHex(kKeyBytes);
  if (!fresh.ok()) return fresh.status();
  if (absl::Status s = WriteNew(dir_, path, *fresh); !s.ok()) return s;
  std::ifstream in(path);
  std::string hex((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  std::string key = absl::HexStringToBytes(hex);
  if (key.size() != kKeyBytes) {
    return absl::DataLossError(absl::StrCat(path, ": not a ", kKeyBytes, "-byte key in hex"));
  }
  return key;
}

}  // namespace wa::storage
