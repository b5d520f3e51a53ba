#pragma once

#include "hotel/whatsapp/v1/consent.grpc.pb.h"
#include "server/api/auth.h"
#include "server/domain/consent_service.h"

namespace wa::api {

class ConsentApi : public hotel::whatsapp::v1::ConsentService::CallbackService {
 public:
  ConsentApi(const Authenticator& auth, domain::ConsentService& consent)
      : auth_(auth), consent_(consent) {}

  grpc::ServerUnaryReactor* GetGuestConsent(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::GetGuestConsentRequest* request,
      hotel::whatsapp::v1::GuestConsent* response) override;
  grpc::ServerUnaryReactor* SetGuestConsent(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::SetGuestConsentRequest* request,
      hotel::whatsapp::v1::GuestConsent* response) override;

 private:
  const Authenticator& auth_;
  domain::ConsentService& consent_;
};

}  // namespace wa::api
