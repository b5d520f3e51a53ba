#include "server/domain/paging.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "server/domain/errors.h"

namespace wa::domain {

absl::StatusOr<int> PageLimit(int page_size, PageSizes sizes) {
  if (page_size < 0) return InvalidArgument("page_size must not be negative", "page_size");
  return page_size == 0 ? sizes.default_size : std::min(page_size, sizes.max_size);
}

absl::StatusOr<int64_t> ParseSeqToken(const std::string& token, int64_t min_value) {
  if (token.empty()) return 0;
  int64_t value = 0;
  if (!absl::SimpleAtoi(token, &value) || value < min_value) {
    return InvalidArgument("page_token is not a token this service issued", "page_token");
  }
  return value;
}

}  // namespace wa::domain
