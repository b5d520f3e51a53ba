#include "common/nearest_name.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wa {
namespace {

// Edit distance with adjacent transpositions (optimal string alignment).
int EditDistance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace

std::vector<std::string> NearestNames(absl::string_view given,
                                      const std::vector<std::string>& known, size_t max) {
  // Names are short; anything longer is no name a client meant.
  if (given.empty() || given.size() > 128) return {};
  const std::string lower = absl::AsciiStrToLower(given);
  // A third of the name may be wrong, at most three edits, at least one.
  const int allowed = std::clamp(static_cast<int>(lower.size()) / 3, 1, 3);
  std::vector<std::pair<int, std::string>> close;
  for (const std::string& name : known) {
    const std::string candidate = absl::AsciiStrToLower(name);
    int distance = EditDistance(lower, candidate);
    // "text" meant "content.text": as good as an exact match.
    if (absl::EndsWith(candidate, absl::StrCat(".", lower))) distance = 0;
    if (distance <= allowed) close.emplace_back(distance, name);
  }
  std::stable_sort(close.begin(), close.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < close.size() && i < max; ++i) out.push_back(close[i].second);
  return out;
}

std::string NearestName(absl::string_view given, const std::vector<std::string>& known) {
  std::vector<std::string> nearest = NearestNames(given, known, 1);
  return nearest.empty() ? "" : nearest.front();
}

}  // namespace wa
