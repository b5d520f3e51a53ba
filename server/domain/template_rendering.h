#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "hotel/whatsapp/v1/content.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"

namespace wa::domain {

struct RenderedTemplate {
  // What the provider sends: Meta's template components.
  hotel::whatsapp::v1::TemplateContent content;
  // What the guest reads (header, body, footer), for the history.
  std::string text;
};

// Matches a send's `values` to the template's parameters by the names the
// template lists (its `parameters`): every one must be given, no other
// may be. A template with a media header needs `header_media_link`.
// Refusals are INVALID_ARGUMENT naming the parameter.
absl::StatusOr<RenderedTemplate> RenderTemplate(const hotel::whatsapp::v1::Template& t,
                                                const std::map<std::string, std::string>& values,
                                                const std::string& header_media_link);

}  // namespace wa::domain
