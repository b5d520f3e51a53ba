// Fuzzes google.api.http path templates: parsing, matching and precedence.
// Input: "<template>\n<other template>\n<request path>".
#include <cstddef>
#include <cstdint>

#include "gateway/path_template.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using wa::gateway::PathBindings;
using wa::gateway::PathTemplate;
using wa::gateway::RequestPath;

int Sign(int v) { return (v > 0) - (v < 0); }

void CheckMatch(const PathTemplate& t, const RequestPath& path) {
  PathBindings bindings;
  const bool matched = t.Match(path, &bindings);
  // Matching without bindings must agree with matching with them.
  WA_FUZZ_CHECK(matched == t.Match(path, nullptr));
  if (matched) WA_FUZZ_CHECK(bindings.size() == t.variables().size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = wa::fuzz::SplitInput(wa::fuzz::AsText(data, size), '\n');
  absl::StatusOr<PathTemplate> first = PathTemplate::Parse(parts[0]);
  const absl::string_view raw_path = parts.size() > 2 ? parts[2] : parts.back();
  const RequestPath path(raw_path);
  for (size_t i = 0; i < path.size(); ++i) {
    // Decoding never grows a segment.
    WA_FUZZ_CHECK(path.decoded(i).size() <= path.raw(i).size());
  }
  if (!first.ok()) return 0;
  WA_FUZZ_CHECK(first->ComparePrecedence(*first) == 0);
  CheckMatch(*first, path);
  if (parts.size() > 1) {
    absl::StatusOr<PathTemplate> second = PathTemplate::Parse(parts[1]);
    if (second.ok()) {
      WA_FUZZ_CHECK(Sign(first->ComparePrecedence(*second)) ==
                    -Sign(second->ComparePrecedence(*first)));
      CheckMatch(*second, path);
    }
  }
  return 0;
}
