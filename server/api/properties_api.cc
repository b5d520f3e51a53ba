#include "server/api/properties_api.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

// Where a number's token comes from stays out: the answer is for staff.
void ToPhoneNumber(const storage::PhoneNumberRecord& in, v1::PhoneNumber* out) {
  out->set_phone_number_id(in.phone_number_id);
  out->set_waba_id(in.waba_id);
  out->set_display_phone_number(in.display_phone_number);
  out->set_is_default(in.is_default);
  out->set_quality_rating(in.quality_rating);
  out->set_messaging_limit_tier(in.messaging_limit_tier);
}

void ToRetention(const storage::RetentionPolicy& in, v1::Retention* out) {
  out->set_message_content_days(in.message_content_days);
  out->set_media_days(in.media_days);
  out->set_event_days(in.event_days);
  out->set_raw_callback_days(in.raw_callback_days);
  out->set_audit_days(in.audit_days);
}

// Read from the database, not the senders' snapshot: an operator's change
// shows at once, and this is not a hot path.
absl::Status ToProperty(domain::PropertyService& properties, domain::RetentionService& retention,
                        const std::string& property_id, v1::Property* response) {
  absl::StatusOr<domain::PropertyView> view = properties.View(property_id);
  if (!view.ok()) return view.status();
  response->set_property_id(view->property.property_id);
  response->set_display_name(view->property.display_name);
  response->set_time_zone(view->property.time_zone);
  for (const storage::PhoneNumberRecord& n : view->numbers) {
    ToPhoneNumber(n, response->add_phone_numbers());
  }
  if (!view->property.quiet_hours_start.empty()) {
    response->mutable_quiet_hours()->set_start(view->property.quiet_hours_start);
    response->mutable_quiet_hours()->set_end(view->property.quiet_hours_end);
  }
  absl::StatusOr<storage::RetentionPolicy> kept = retention.Get(property_id);
  if (!kept.ok()) return kept.status();
  ToRetention(*kept, response->mutable_retention());
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* PropertiesApi::GetProperty(grpc::CallbackServerContext* context,
                                                     const v1::GetPropertyRequest* /*request*/,
                                                     v1::Property* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    return ToProperty(properties_, retention_, caller.property_id, response);
  });
}

grpc::ServerUnaryReactor* PropertiesApi::UpdateProperty(grpc::CallbackServerContext* context,
                                                        const v1::UpdatePropertyRequest* request,
                                                        v1::Property* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    if (request->has_quiet_hours()) {
      const v1::QuietHours& quiet = request->quiet_hours();
      absl::Status set =
          properties_.SetQuietHours(caller.property_id, quiet.start(), quiet.end()).status();
      if (!set.ok()) return set;
    }
    return ToProperty(properties_, retention_, caller.property_id, response);
  });
}

grpc::ServerUnaryReactor* PropertiesApi::UpdateRetention(grpc::CallbackServerContext* context,
                                                         const v1::UpdateRetentionRequest* request,
                                                         v1::Retention* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    domain::RetentionUpdate update{request->message_content_days(), request->media_days(),
                                   request->event_days(), request->raw_callback_days(),
                                   request->audit_days()};
    absl::StatusOr<storage::RetentionPolicy> policy = retention_.Update(caller.property_id, update);
    if (!policy.ok()) return policy.status();
    ToRetention(*policy, response);
    return absl::OkStatus();
  });
}

}  // namespace wa::api
