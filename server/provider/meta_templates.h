#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "nlohmann/json.hpp"

// Templates on Meta's wire: the body of POST /{waba-id}/message_templates,
// the pages of GET /{waba-id}/message_templates, and Meta's status words.
namespace wa::provider {

// {"name","language","category","parameter_format","components":[...]},
// with the template's examples as Meta's header_text / body_text (or
// their _named_params forms) when the template has them.
nlohmann::json TemplateCreationPayload(const hotel::whatsapp::v1::Template& t);

struct TemplatePage {
  std::vector<hotel::whatsapp::v1::Template> templates;
  std::string next_url;  // paging.next, empty on the last page
};

// One page of Meta's template list. Templates are returned as Meta holds
// them (name, language, category, status, rejection reason, components,
// provider_template_id); parameters are left for the caller to derive.
absl::StatusOr<TemplatePage> ParseTemplatePage(const std::string& body);

// APPROVED, REJECTED, PENDING, PAUSED, DISABLED and Meta's other words
// mapped onto them (REINSTATED -> APPROVED, IN_APPEAL -> PENDING, DELETED
// and the like -> DISABLED); UNSPECIFIED for words that change nothing.
hotel::whatsapp::v1::TemplateStatus TemplateStatusFromMeta(absl::string_view word);
hotel::whatsapp::v1::TemplateCategory TemplateCategoryFromMeta(absl::string_view word);

}  // namespace wa::provider
