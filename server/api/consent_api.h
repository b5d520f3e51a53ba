#pragma once

#include "hotel/whatsapp/v1/consent.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/consent_service.h"

namespace wa::api {

class ConsentApi : public hotel::whatsapp::v1::ConsentService::CallbackService {
 public:
  ConsentApi(const CallRunner& calls, domain::ConsentService& consent)
      : calls_(calls), consent_(consent) {}

  grpc::ServerUnaryReactor* GetGuestConsent(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetGuestConsentRequest* request,
      hotel::whatsapp::v1::GuestConsent* response) override;
  grpc::ServerUnaryReactor* SetGuestConsent(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SetGuestConsentRequest* request,
      hotel::whatsapp::v1::GuestConsent* response) override;

 private:
  const CallRunner& calls_;
  domain::ConsentService& consent_;
};

}  // namespace wa::api
