// Fuzzes template definitions end to end: a template as the REST surface
// would take it (JSON into hotel.whatsapp.v1.Template), checked by
// CheckTemplate as a submission is, and, when accepted, rendered as a send
// would render it, first with plain values (which must succeed) and then
// with fuzzed ones (which may be refused, never crash).
// Input: "<template JSON>\0<positional names, one a line>\0<values, one a
// line>\0<header media link>"; missing parts are empty.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gateway/json_transcoder.h"
#include "server/domain/template_rendering.h"
#include "server/domain/template_rules.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

namespace v1 = ::hotel::whatsapp::v1;

std::vector<std::string> Lines(absl::string_view text) {
  std::vector<std::string> lines;
  if (text.empty()) return lines;
  for (absl::string_view line : wa::fuzz::SplitInput(text, '\n')) lines.emplace_back(line);
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = wa::fuzz::SplitInput(wa::fuzz::AsText(data, size), '\0');
  auto part = [&](size_t i) { return i < parts.size() ? parts[i] : absl::string_view(); };

  v1::Template draft;
  if (!wa::gateway::MergeJsonText(part(0), &draft).ok()) return 0;
  absl::StatusOr<v1::Template> checked = wa::domain::CheckTemplate(draft, Lines(part(1)));
  if (!checked.ok()) {
    WA_FUZZ_CHECK(checked.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }

  // Every parameter given a plain value: an accepted template renders.
  std::map<std::string, std::string> plain;
  for (const std::string& name : checked->parameters()) plain[name] = "x";
  const std::string link = "https://example.com/header.jpg";
  absl::StatusOr<wa::domain::RenderedTemplate> rendered =
      wa::domain::RenderTemplate(*checked, plain, link);
  if (!rendered.ok()) {
    std::fprintf(stderr, "accepted template does not render: %s\n",
                 std::string(rendered.status().message()).c_str());
  }
  WA_FUZZ_CHECK(rendered.ok());

  // Fuzzed values, in parameter order; extra lines become unknown names.
  std::map<std::string, std::string> values;
  const std::vector<std::string> given = Lines(part(2));
  for (size_t i = 0; i < given.size(); ++i) {
    const std::string name = i < static_cast<size_t>(checked->parameters_size())
                                 ? checked->parameters(static_cast<int>(i))
                                 : "extra_" + std::to_string(i);
    values[name] = given[i];
  }
  absl::StatusOr<wa::domain::RenderedTemplate> fuzzed =
      wa::domain::RenderTemplate(*checked, values, std::string(part(3)));
  if (!fuzzed.ok()) WA_FUZZ_CHECK(fuzzed.status().code() == absl::StatusCode::kInvalidArgument);
  return 0;
}
