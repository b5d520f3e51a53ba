#include "gateway/adapters/meta_webhook_adapter.h"

#include "gateway/http_response.h"
#include "hotel/whatsapp/v1/provider_callbacks.pb.h"

namespace wa::gateway {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr char kPath[] = "/api/v1/whatsapp/provider/webhook";
constexpr char kService[] = "/hotel.whatsapp.v1.ProviderCallbacksService/";
// Meta's documented largest webhook payload (3 MB), with room to spare: a
// callback is never refused for its size, and nothing larger is read.
constexpr size_t kMaxCallbackBytes = 3 << 20;

}  // namespace

void AddMetaWebhookAdapter(HttpRouter& router) {
  router.AddAdapter("GET", kPath, [&router](const httplib::Request& req, httplib::Response& res) {
    v1::VerifySubscriptionRequest request;
    request.set_mode(req.get_param_value("hub.mode"));
    request.set_verify_token(req.get_param_value("hub.verify_token"));
    request.set_challenge(req.get_param_value("hub.challenge"));
    v1::VerifySubscriptionResponse response;
    grpc::Status status =
        router.invoker().Call(std::string(kService) + "VerifySubscription", request, &response, {});
    if (!status.ok()) {
      WriteRpcError(res, status);
      return;
    }
    // Meta expects the challenge itself as the body, not JSON.
    res.status = 200;
    res.set_content(response.challenge(), "text/plain");
  });
  router.AddAdapter(
      "POST", kPath,
      [&router](const httplib::Request& req, httplib::Response& res) {
        v1::ReceiveNotificationRequest request;
        request.set_body(req.body);
        request.set_signature(req.get_header_value("X-Hub-Signature-256"));
        v1::ReceiveNotificationResponse response;
        grpc::Status status = router.invoker().Call(std::string(kService) + "ReceiveNotification",
                                                    request, &response, {});
        if (!status.ok()) {
          WriteRpcError(res, status);
          return;
        }
        WriteMessage(res, response);
      },
      kMaxCallbackBytes);
}

}  // namespace wa::gateway
