#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace wa::domain {

// How large a page of a list may be: `page_size` 0 asks for the default,
// more than the maximum is clamped (the contract's paging rules,
// docs/architecture.md).
struct PageSizes {
  int default_size = 50;
  int max_size = 500;
};
inline constexpr PageSizes kListPage{};
// A batch's items are small rows; a page may hold more of them.
inline constexpr PageSizes kBatchItemsPage{100, 1000};

// The number of rows to return for `page_size`; INVALID_ARGUMENT if it is
// negative.
absl::StatusOr<int> PageLimit(int page_size, PageSizes sizes = kListPage);

// A sequence-number page token: the position of the last row of the page
// before. "" is 0 (the first page); anything but a number above
// `min_value - 1` is INVALID_ARGUMENT.
absl::StatusOr<int64_t> ParseSeqToken(const std::string& token, int64_t min_value = 1);

// Rows are read with `limit + 1`: the extra row says that another page
// exists. Trims it and returns the next page's token, made from the last
// row kept by `token_of`; "" on the last page.
template <typename Row, typename TokenOf>
std::string TrimPage(std::vector<Row>& rows, int limit, TokenOf token_of) {
  if (static_cast<int>(rows.size()) <= limit) return "";
  rows.resize(limit);
  return token_of(rows.back());
}

}  // namespace wa::domain
