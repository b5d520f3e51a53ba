#pragma once

#include <vector>

#include "hotel/whatsapp/v1/templates.pb.h"

namespace wa::domain {

// The templates a fresh sandbox property starts with, approved: the API
// reference's examples and suggestions, with the named parameters its
// calls pass. Shaped like submissions (CheckTemplate fills in the rest).
std::vector<hotel::whatsapp::v1::Template> StarterTemplates();

}  // namespace wa::domain
