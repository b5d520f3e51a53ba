#include "server/api/sandbox_api.h"

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/api/handler.h"
#include "server/api/proto_mapping.h"
#include "server/domain/errors.h"
#include "server/domain/ids.h"
#include "server/domain/media_policy.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

// Meta's name for the kind ("image"), the key of its media object.
std::string MetaKind(v1::MessageType type) {
  std::string name = v1::MessageType_Name(type);
  return absl::AsciiStrToLower(name.substr(std::string("MESSAGE_TYPE_").size()));
}

}  // namespace

absl::Status SandboxApi::AddMedia(const std::string& property_id,
                                  const v1::SimulateInboundRequest& request,
                                  domain::InboundMessage& in) {
  if (request.media_type() == v1::MEDIA_TYPE_UNSPECIFIED) {
    return domain::InvalidArgument("media_type is required with media_id", "media_type");
  }
  if (request.media_id().empty()) {
    return domain::InvalidArgument("media_id is required with media_type (upload it first)",
                                   "media_id");
  }
  absl::StatusOr<storage::MediaRecord> media = media_.Get(property_id, request.media_id());
  if (!media.ok()) return media.status();
  if (media->media_type != request.media_type()) {
    return domain::InvalidArgument("media_type does not match the upload's kind", "media_type");
  }
  in.message_type = domain::MessageTypeFor(request.media_type());
  std::string kind = MetaKind(in.message_type);
  nlohmann::json object = {
      {"id", media->media_id}, {"mime_type", media->mime_type}, {"sha256", media->sha256}};
  if (!request.text().empty()) object["caption"] = request.text();
  if (!media->filename.empty()) object["filename"] = media->filename;
  // The shape of Meta's inbound media, plus where our copy can be fetched.
  nlohmann::json payload = {
      {"type", kind},
      {kind, object},
      {"media_url", "/api/v1/whatsapp/media/" + media->media_id + "/content"}};
  in.payload = payload.dump();
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* SandboxApi::SimulateInbound(grpc::CallbackServerContext* context,
                                                      const v1::SimulateInboundRequest* request,
                                                      v1::SimulateInboundResponse* response) {
  return Handle(
      context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) -> absl::Status {
        if (!provider_.SimulatesInbound()) {
          return domain::Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                               "inbound messages can be simulated with the sandbox provider only")
              .Detail("provider", provider_.Name());
        }
        bool media =
            request->media_type() != v1::MEDIA_TYPE_UNSPECIFIED || !request->media_id().empty();
        if (!media && absl::StripAsciiWhitespace(request->text()).empty()) {
          return domain::InvalidArgument("text must not be empty", "text");
        }
        domain::InboundMessage in;
        in.guest_phone = request->guest_phone();
        in.guest_user_id = request->guest_user_id();
        in.guest_username = request->guest_username();
        in.profile_name = request->profile_name();
        in.whatsapp_message_id = domain::NewId("wamid.SANDBOX");
        in.message_type = v1::MESSAGE_TYPE_TEXT;
        in.body = request->text();
        if (media) {
          if (absl::Status s = AddMedia(caller.property_id, *request, in); !s.ok()) return s;
        }
        in.at = request->has_timestamp() ? FromTimestamp(request->timestamp()) : absl::Now();
        in.new_conversation_id = request->conversation_id();
        absl::StatusOr<domain::InboundResult> result = inbound_.Record(caller.property_id, in);
        if (!result.ok()) return result.status();
        ToMessage(result->message, response->mutable_message());
        response->set_conversation_id(result->message.conversation_id);
        return absl::OkStatus();
      });
}

}  // namespace wa::api
