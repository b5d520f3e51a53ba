#pragma once

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

// Debian's abseil (20220623) predates absl/log: one-line structured logs
// to stderr, one write per line so concurrent lines do not interleave.
namespace wa::util {

template <typename... Args>
void Log(absl::string_view level, const Args&... args) {
  std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), " ",
                   level, " ", args..., "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
}

template <typename... Args>
void LogInfo(const Args&... args) {
  Log("INFO", args...);
}

template <typename... Args>
void LogError(const Args&... args) {
  Log("ERROR", args...);
}

}  // namespace wa::util
