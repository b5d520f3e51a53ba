#include "server/domain/starter_templates.h"

#include <initializer_list>
#include <string>
#include <utility>

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

using Example = std::initializer_list<std::pair<const char*, const char*>>;

v1::Template Make(const char* name, const char* header, const char* body, const char* footer,
                  Example example) {
  v1::Template t;
  t.set_name(name);
  t.set_language("en");
  t.set_category(v1::TEMPLATE_CATEGORY_UTILITY);
  t.add_labels("guest_services");
  if (header != nullptr) {
    v1::TemplateComponent* c = t.add_components();
    c->set_type(v1::COMPONENT_TYPE_HEADER);
    c->set_format(v1::HEADER_FORMAT_TEXT);
    c->set_text(header);
  }
  v1::TemplateComponent* b = t.add_components();
  b->set_type(v1::COMPONENT_TYPE_BODY);
  b->set_text(body);
  if (footer != nullptr) {
    v1::TemplateComponent* c = t.add_components();
    c->set_type(v1::COMPONENT_TYPE_FOOTER);
    c->set_text(footer);
  }
  for (const auto& [key, value] : example) (*t.mutable_example())[key] = value;
  return t;
}

}  // namespace

std::vector<v1::Template> StarterTemplates() {
  std::vector<v1::Template> all;
  all.push_back(Make("welcome_checkin", "Welcome to {{hotel_name}}",
                     "Hello {{guest_name}}, your room {{room_number}} will be ready from "
                     "{{checkin_time}}. We look forward to hosting you until {{checkout_date}}.",
                     "Reply to this message to reach the front desk.",
                     {{"guest_name", "John Smith"},
                      {"hotel_name", "Grand Plaza Hotel"},
                      {"room_number", "205"},
                      {"checkin_time", "3:00 PM"},
                      {"checkout_date", "January 18, 2024"}}));
  all.back().add_labels("check_in");
  all.push_back(Make("service_confirmation", "Booking confirmed",
                     "Your {{service_type}} is booked for {{appointment_time}} at {{location}}. "
                     "It takes about {{estimated_duration}}.",
                     "Reply to change or cancel.",
                     {{"service_type", "Spa Massage"},
                      {"appointment_time", "Tomorrow at 2:00 PM"},
                      {"location", "Wellness Center - Room 3"},
                      {"estimated_duration", "90 minutes"}}));
  all.push_back(Make("service_followup", nullptr,
                     "Hello {{guest_name}}, we hope you enjoyed your {{service_type}}. "
                     "Reply to this message if there is anything more we can do.",
                     nullptr, {{"guest_name", "John Smith"}, {"service_type", "Spa Massage"}}));
  all.push_back(Make("general_inquiry", nullptr,
                     "Hello {{guest_name}}, the team at {{hotel_name}} has an update about your "
                     "stay. Reply to this message to continue the conversation.",
                     nullptr, {{"guest_name", "John Smith"}, {"hotel_name", "Grand Plaza Hotel"}}));
  return all;
}

}  // namespace wa::domain
