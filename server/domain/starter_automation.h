#pragma once

#include <vector>

#include "hotel/whatsapp/v1/automation.pb.h"

namespace wa::domain {

// What a fresh sandbox property starts with: the departments the examples
// route to, with hours, and three example rules, disabled (towels to
// housekeeping, the breakfast hours, the front desk after hours).
std::vector<hotel::whatsapp::v1::Department> StarterDepartments();
std::vector<hotel::whatsapp::v1::AutomationRule> StarterRules();

}  // namespace wa::domain
