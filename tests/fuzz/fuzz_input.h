// Helpers shared by the fuzz targets: cutting one fuzz input into the
// several strings a target needs, and a check that aborts (so libFuzzer
// reports a crash) when an invariant breaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wa::fuzz {

// The input as a string view.
inline absl::string_view AsText(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

// Cuts `text` at every `separator`, keeping empty pieces, so that a seed
// file written by hand ("template\npath") reads naturally.
inline std::vector<absl::string_view> SplitInput(absl::string_view text, char separator) {
  std::vector<absl::string_view> parts;
  while (true) {
    size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == absl::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// An invariant of the code under test; a failure is a finding.
#define WA_FUZZ_CHECK(condition)                                                         \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)

}  // namespace wa::fuzz
