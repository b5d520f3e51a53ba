#include "server/api/consent_api.h"

#include "server/api/handler.h"
#include "server/api/proto_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

absl::Status Render(const absl::StatusOr<domain::ConsentView>& view, v1::GuestConsent* out) {
  if (!view.ok()) return view.status();
  out->set_guest_phone(view->guest_phone);
  out->set_guest_user_id(view->guest_user_id);
  out->set_guest_username(view->guest_username);
  out->set_opted_out(view->consent.opted_out);
  out->set_marketing_opted_out(view->consent.marketing_opted_out);
  if (view->consent.updated_at) SetTimestamp(*view->consent.updated_at, out->mutable_updated_at());
  for (const storage::ConsentEventRecord& e : view->history) {
    v1::ConsentEvent* event = out->add_history();
    event->set_scope(e.scope);
    event->set_opted_in(e.opted_in);
    event->set_source(e.source);
    event->set_reason(e.reason);
    SetTimestamp(e.at, event->mutable_at());
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* ConsentApi::GetGuestConsent(grpc::CallbackServerContext* context,
                                                      const v1::GetGuestConsentRequest* request,
                                                      v1::GuestConsent* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    return Render(consent_.Get(caller.property_id, request->guest_phone()), response);
  });
}

grpc::ServerUnaryReactor* ConsentApi::SetGuestConsent(grpc::CallbackServerContext* context,
                                                      const v1::SetGuestConsentRequest* request,
                                                      v1::GuestConsent* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    return Render(consent_.Set(caller.property_id, request->guest_phone(), request->scope(),
                               request->opted_in(), request->reason()),
                  response);
  });
}

}  // namespace wa::api
