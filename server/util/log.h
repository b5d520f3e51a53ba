#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json_fwd.hpp"

// Debian's abseil (20220623) predates absl/log. Every line on stderr is one
// JSON object: {"time", "level", "msg", "request_id" (while a request is
// handled on this thread), and any extra fields}. One write per line, so
// concurrent lines do not interleave. Known secret shapes (our tokens and
// signing secrets, bearer credentials) are redacted from every line.
namespace wa::util {

// Writes one line; `fields` (a JSON object, may be null) adds its members.
void WriteLogLine(absl::string_view level, absl::string_view msg,
                  const nlohmann::ordered_json* fields);

// The message is the arguments concatenated, as absl::StrCat does.
template <typename... Args>
void Log(absl::string_view level, const Args&... args) {
  WriteLogLine(level, absl::StrCat(args...), nullptr);
}

template <typename... Args>
void LogInfo(const Args&... args) {
  Log("INFO", args...);
}

template <typename... Args>
void LogError(const Args&... args) {
  Log("ERROR", args...);
}

// The request id that lines written on this thread carry ("" outside a request).
absl::string_view CurrentRequestId();

// Sets this thread's request id for its lifetime (a synchronous handler's
// duration), restoring the previous one after.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(absl::string_view request_id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};

// `text` with secrets replaced by "[redacted]": wat_ tokens, whsec_ signing
// secrets and whatever follows "Bearer ".
std::string RedactSecrets(absl::string_view text);

}  // namespace wa::util
