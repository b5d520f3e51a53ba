#pragma once

#include "hotel/whatsapp/v1/properties.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/property_service.h"
#include "server/domain/retention_service.h"

namespace wa::api {

// The caller's own property and its WhatsApp numbers, for admin and staff
// tokens alike: the token names the property, so no other can be asked for.
// Its admins set its quiet hours.
class PropertiesApi : public hotel::whatsapp::v1::PropertiesService::CallbackService {
 public:
  PropertiesApi(const CallRunner& calls, domain::PropertyService& properties,
                domain::RetentionService& retention)
      : calls_(calls), properties_(properties), retention_(retention) {}

  grpc::ServerUnaryReactor* GetProperty(grpc::CallbackServerContext* context,
                                        const hotel::whatsapp::v1::GetPropertyRequest* request,
                                        hotel::whatsapp::v1::Property* response) override;
  grpc::ServerUnaryReactor* UpdateProperty(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::UpdatePropertyRequest* request,
      hotel::whatsapp::v1::Property* response) override;
  // Admin only.
  grpc::ServerUnaryReactor* UpdateRetention(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::UpdateRetentionRequest* request,
      hotel::whatsapp::v1::Retention* response) override;

 private:
  const CallRunner& calls_;
  domain::PropertyService& properties_;
  domain::RetentionService& retention_;
};

}  // namespace wa::api
