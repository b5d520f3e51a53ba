#pragma once

#include "hotel/whatsapp/v1/sandbox.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/inbound_service.h"
#include "server/domain/media_service.h"
#include "server/provider/provider.h"

namespace wa::api {

class SandboxApi : public hotel::whatsapp::v1::SandboxService::CallbackService {
 public:
  SandboxApi(const CallRunner& calls, domain::InboundService& inbound, domain::MediaService& media,
             const provider::Provider& provider)
      : calls_(calls), inbound_(inbound), media_(media), provider_(provider) {}

  grpc::ServerUnaryReactor* SimulateInbound(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SimulateInboundRequest* request,
      hotel::whatsapp::v1::SimulateInboundResponse* response) override;

 private:
  // A media message from one of the property's uploads, in Meta's shape.
  absl::Status AddMedia(const std::string& property_id,
                        const hotel::whatsapp::v1::SimulateInboundRequest& request,
                        domain::InboundMessage& in);

  const CallRunner& calls_;
  domain::InboundService& inbound_;
  domain::MediaService& media_;
  const provider::Provider& provider_;
};

}  // namespace wa::api
