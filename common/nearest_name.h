#ifndef WA_COMMON_NEAREST_NAME_H_
#define WA_COMMON_NEAREST_NAME_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wa {

// The known name a typo most likely meant, for "did you mean" hints: the
// one a few edits away (a swapped pair of letters counts as one edit), or
// the one `given` is the last dotted part of ("text" -> "content.text").
// Case is ignored. "" when nothing is close enough to be a useful guess.
std::string NearestName(absl::string_view given, const std::vector<std::string>& known);

// Up to `max` known names close to `given` as above, nearest first.
std::vector<std::string> NearestNames(absl::string_view given,
                                      const std::vector<std::string>& known, size_t max);

}  // namespace wa

#endif  // WA_COMMON_NEAREST_NAME_H_
