#include "server/storage/backup_archive.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wa::storage {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kBuffer = 1 << 20;

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// A ustar header: name (100), mode (8), uid, gid (8), size (12), mtime
// (12), checksum (8), type (1), link name (100), "ustar\0", "00", ...
std::string Header(const std::string& name, int64_t size) {
  std::string h(kBlock, '\0');
  std::memcpy(&h[0], name.data(), name.size());
  std::memcpy(&h[100], "0000600", 7);
  std::memcpy(&h[108], "0000000", 7);
  std::memcpy(&h[116], "0000000", 7);
  std::string octal = absl::StrFormat("%011o", size);
  std::memcpy(&h[124], octal.data(), 11);
  std::memcpy(&h[136], "00000000000", 11);
  h[156] = '0';
  std::memcpy(&h[257], "ustar", 6);
  std::memcpy(&h[263], "00", 2);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::string checksum = absl::StrFormat("%06o", sum);
  std::memcpy(&h[148], checksum.data(), 6);
  h[154] = '\0';
  return h;
}

bool SafeName(absl::string_view name) {
  return !name.empty() && name[0] != '/' && !absl::StrContains(name, "..");
}

absl::StatusOr<int64_t> Octal(absl::string_view field) {
  int64_t value = 0;
  for (char c : field) {
    if (c == '\0' || c == ' ') break;
    if (c < '0' || c > '7') return absl::DataLossError("damaged archive header");
    value = value * 8 + (c - '0');
  }
  return value;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wbx");
  if (file == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<ArchiveWriter>(new ArchiveWriter(file));
}

ArchiveWriter::~ArchiveWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

absl::Status ArchiveWriter::Write(const char* data, size_t size) {
  if (std::fwrite(data, 1, size, file_) != size) {
    return absl::InternalError(absl::StrCat("cannot write the archive: ", std::strerror(errno)));
  }
  bytes_ += static_cast<int64_t>(size);
  return absl::OkStatus();
}

absl::Status ArchiveWriter::Add(const std::string& name, const std::string& source) {
  if (name.size() >= 100 || !SafeName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot archive under the name ", name));
  }
  std::unique_ptr<std::FILE, CloseFile> in(std::fopen(source.c_str(), "rb"));
  if (in == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot read ", source, ": ", std::strerror(errno)));
  }
  struct stat info;
  if (fstat(fileno(in.get()), &info) != 0) return absl::InternalError("cannot stat " + source);
  const int64_t size = info.st_size;
  if (absl::Status s = Write(Header(name, size).data(), kBlock); !s.ok()) return s;
  std::vector<char> buffer(kBuffer);
  int64_t left = size;
  while (left > 0) {
    size_t n = std::fread(buffer.data(), 1, std::min<int64_t>(left, kBuffer), in.get());
    if (n == 0) return absl::DataLossError(absl::StrCat(source, " shrank while being archived"));
    if (absl::Status s = Write(buffer.data(), n); !s.ok()) return s;
    left -= static_cast<int64_t>(n);
  }
  const size_t pad = (kBlock - size % kBlock) % kBlock;
  std::string zeros(pad, '\0');
  return Write(zeros.data(), pad);
}

absl::Status ArchiveWriter::Finish() {
  std::string end(2 * kBlock, '\0');
  if (absl::Status s = Write(end.data(), end.size()); !s.ok()) return s;
  if (std::fflush(file_) != 0 || fsync(fileno(file_)) != 0) {
    return absl::InternalError(absl::StrCat("cannot flush the archive: ", std::strerror(errno)));
  }
  std::fclose(file_);
  file_ = nullptr;
  return absl::OkStatus();
}

absl::Status ReadArchive(const std::string& path, const ArchiveEntry& extract) {
  std::unique_ptr<std::FILE, CloseFile> in(std::fopen(path.c_str(), "rb"));
  if (in == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::string header(kBlock, '\0');
  while (true) {
    if (std::fread(header.data(), 1, kBlock, in.get()) != kBlock) {
      return absl::DataLossError(absl::StrCat(path, " ends before its end-of-archive mark"));
    }
    if (header == std::string(kBlock, '\0')) return absl::OkStatus();
    std::string name(header.data(), strnlen(header.data(), 100));
    absl::StatusOr<int64_t> size = Octal(absl::string_view(header).substr(124, 12));
    if (!size.ok()) return size.status();
    if (!SafeName(name)) return absl::DataLossError("archive entry with an unsafe name: " + name);
    int64_t left = *size;
    auto read = [&](char* buffer, size_t n) -> absl::StatusOr<size_t> {
      size_t want = static_cast<size_t>(std::min<int64_t>(left, n));
      if (want == 0) return size_t{0};
      size_t got = std::fread(buffer, 1, want, in.get());
      if (got == 0) return absl::DataLossError(absl::StrCat(path, " is cut short in ", name));
      left -= static_cast<int64_t>(got);
      return got;
    };
    if (absl::Status s = extract(name, *size, read); !s.ok()) return s;
    // Whatever the callback left unread, and the padding.
    const int64_t skip = left + static_cast<int64_t>((kBlock - *size % kBlock) % kBlock);
    if (std::fseek(in.get(), skip, SEEK_CUR) != 0) return absl::DataLossError("damaged archive");
  }
}

}  // namespace wa::storage
