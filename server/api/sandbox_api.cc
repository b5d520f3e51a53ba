#include "server/api/sandbox_api.h"

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "server/api/handler.h"
#include "server/api/proto_mapping.h"
#include "server/domain/errors.h"
#include "server/domain/ids.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

grpc::ServerUnaryReactor* SandboxApi::SimulateInbound(grpc::CallbackServerContext* context,
                                                      const v1::SimulateInboundRequest* request,
                                                      v1::SimulateInboundResponse* response) {
  return Handle(context, auth_, v1::ROLE_ADMIN, [&](const domain::Caller& caller) -> absl::Status {
    if (!provider_.SimulatesInbound()) {
      return domain::Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                           "inbound messages can be simulated with the sandbox provider only")
          .Detail("provider", provider_.Name());
    }
    if (absl::StripAsciiWhitespace(request->text()).empty()) {
      return domain::InvalidArgument("text must not be empty", "text");
    }
    domain::InboundMessage in;
    in.guest_phone = request->guest_phone();
    in.profile_name = request->profile_name();
    in.whatsapp_message_id = domain::NewId("wamid.SANDBOX");
    in.message_type = v1::MESSAGE_TYPE_TEXT;
    in.body = request->text();
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
