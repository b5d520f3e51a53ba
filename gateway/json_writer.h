#ifndef WA_GATEWAY_JSON_WRITER_H_
#define WA_GATEWAY_JSON_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace wa::gateway::json {

// Low-level JSON text output, appending to a caller-owned buffer so that a
// whole response is built in one string without an intermediate DOM.

// Appends `s` as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD so
// the output is always valid JSON.
void AppendString(std::string* out, absl::string_view s);

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// past U+10FFFF), as proto3 string fields must be.
bool IsValidUtf8(absl::string_view s);

// Shortest text that reads back to the same value; NaN and the infinities
// become the strings "NaN", "Infinity" and "-Infinity" (protobuf's JSON).
void AppendDouble(std::string* out, double v);
void AppendFloat(std::string* out, float v);

void AppendInt(std::string* out, int64_t v);
void AppendUint(std::string* out, uint64_t v);

}  // namespace wa::gateway::json

#endif  // WA_GATEWAY_JSON_WRITER_H_
