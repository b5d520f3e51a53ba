#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hotel/whatsapp/v1/templates.pb.h"

namespace wa::domain {

// Meta's limits on template definitions (Meta's message template guidelines).
inline constexpr size_t kMaxTemplateNameLength = 512;
inline constexpr size_t kMaxTemplateBodyLength = 1024;
inline constexpr size_t kMaxTemplateHeaderLength = 60;
inline constexpr size_t kMaxTemplateFooterLength = 60;
inline constexpr size_t kMaxTemplateButtons = 10;
inline constexpr size_t kMaxTemplateButtonText = 25;
inline constexpr size_t kMaxTemplateUrlButtons = 2;
inline constexpr size_t kMaxTemplatePhoneButtons = 1;
inline constexpr size_t kMaxTemplateUrlLength = 2000;

// Checks a template as Meta's review would check its form, and fills in
// what follows from its text: `parameter_format` (POSITIONAL or NAMED) and
// `parameters`, the ordered parameter names (the header's variable first).
// A positional template's variables are named "1", "2", ... (the header's
// "header_1") unless `positional_names` names them, in that order.
//
// A violation is INVALID_ARGUMENT with details `field` (e.g.
// "components[1].text") and `rule` (e.g. "body_length").
absl::StatusOr<hotel::whatsapp::v1::Template> CheckTemplate(
    hotel::whatsapp::v1::Template draft, const std::vector<std::string>& positional_names);

// The template's header and body components, if it has them.
const hotel::whatsapp::v1::TemplateComponent* FindComponent(
    const hotel::whatsapp::v1::Template& t, hotel::whatsapp::v1::ComponentType type);

}  // namespace wa::domain
