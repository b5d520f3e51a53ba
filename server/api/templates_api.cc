#include "server/api/templates_api.h"

#include "server/api/handler.h"
#include "server/api/idempotency.h"
#include "server/api/proto_mapping.h"
#include "server/api/timing_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

template <typename Map>
std::map<std::string, std::string> ToStdMap(const Map& in) {
  return std::map<std::string, std::string>(in.begin(), in.end());
}

}  // namespace

grpc::ServerUnaryReactor* TemplatesApi::SendTemplateMessage(
    grpc::CallbackServerContext* context, const v1::SendTemplateMessageRequest* request,
    v1::SendMessageResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    return RunIdempotent(idempotency_, *context, caller, *request, response, [&](Remember r) {
      domain::TemplateSend send;
      send.guest_phone = request->guest_phone();
      send.guest_user_id = request->guest_user_id();
      send.template_name = request->template_name();
      send.language = request->language();
      send.parameters = ToStdMap(request->parameters());
      send.conversation_metadata = ToStdMap(request->conversation_metadata());
      send.conversation_id = request->conversation_id();
      send.staff_member_id = request->staff_member_id();
      send.header_media_link = request->header_media_link();
      send.from_phone_number_id = request->from_phone_number_id();
      absl::StatusOr<domain::TimingRequest> timing = TimingOf(*request);
      if (!timing.ok()) return timing.status();
      send.timing = *std::move(timing);
      send.in_transaction = RememberSend(std::move(r), response);
      absl::StatusOr<storage::MessageRecord> sent = templates_.Send(caller, std::move(send));
      if (sent.ok()) ToSendResponse(*sent, response);
      return sent.status();
    });
  });
}

grpc::ServerUnaryReactor* TemplatesApi::ListTemplates(grpc::CallbackServerContext* context,
                                                      const v1::ListTemplatesRequest* request,
                                                      v1::ListTemplatesResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    domain::TemplateQuery query{request->language(), request->category(), request->status(),
                                request->page_size(), request->page_token()};
    absl::StatusOr<domain::TemplateList> list = templates_.List(caller.property_id, query);
    if (!list.ok()) return list.status();
    for (v1::Template& t : list->templates) *response->add_templates() = std::move(t);
    response->set_next_page_token(list->next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TemplatesApi::GetTemplate(grpc::CallbackServerContext* context,
                                                    const v1::GetTemplateRequest* request,
                                                    v1::Template* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<v1::Template> found =
        templates_.Get(caller.property_id, request->name(), request->language());
    if (found.ok()) *response = *std::move(found);
    return found.status();
  });
}

grpc::ServerUnaryReactor* TemplatesApi::SubmitTemplate(grpc::CallbackServerContext* context,
                                                       const v1::SubmitTemplateRequest* request,
                                                       v1::Template* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    v1::Template draft;
    draft.set_name(request->name());
    draft.set_category(request->category());
    draft.set_language(request->language());
    *draft.mutable_components() = request->components();
    *draft.mutable_labels() = request->labels();
    *draft.mutable_example() = request->example();
    absl::StatusOr<v1::Template> submitted =
        templates_.Submit(caller.property_id, std::move(draft),
                          {request->parameter_names().begin(), request->parameter_names().end()});
    if (submitted.ok()) *response = *std::move(submitted);
    return submitted.status();
  });
}

grpc::ServerUnaryReactor* TemplatesApi::SyncTemplates(grpc::CallbackServerContext* context,
                                                      const v1::SyncTemplatesRequest* /*request*/,
                                                      v1::SyncTemplatesResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    auto synced = templates_.Sync(caller.property_id);
    if (!synced.ok()) return synced.status();
    for (v1::Template& t : synced->first) *response->add_templates() = std::move(t);
    response->set_changed(synced->second);
    return absl::OkStatus();
  });
}

}  // namespace wa::api
