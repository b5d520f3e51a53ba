#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace wa::domain {

// WhatsApp counts limits in characters, not bytes. Input is valid UTF-8:
// protobuf checks proto3 strings when it parses a request.
size_t Utf8Length(absl::string_view text);

}  // namespace wa::domain
