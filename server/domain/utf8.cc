#include "server/domain/utf8.h"

namespace wa::domain {

size_t Utf8Length(absl::string_view text) {
  size_t count = 0;
  for (char c : text) {
    // Count every byte that does not continue a multi-byte sequence.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace wa::domain
