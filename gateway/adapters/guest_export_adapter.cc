#include "gateway/adapters/guest_export_adapter.h"

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/adapters/stream_relay.h"
#include "gateway/http_response.h"
#include "hotel/whatsapp/v1/guest_data.grpc.pb.h"

namespace wa::gateway {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr auto kDeadline = std::chrono::seconds(30 * 60);

}  // namespace

void AddGuestExportAdapter(HttpRouter& router) {
  std::shared_ptr<v1::GuestDataService::Stub> stub =
      v1::GuestDataService::NewStub(router.invoker().channel());
  router.AddRpcAdapter(
      absl::StrCat(v1::GuestDataService::service_full_name(), ".ExportGuest"),
      [stub](const httplib::Request& req, httplib::Response& res, const PathBindings& bindings) {
        v1::ExportGuestRequest request;
        for (const auto& [field, value] : bindings) {
          if (field == "guest_phone") request.set_guest_phone(value);
        }
        request.set_guest_user_id(req.get_param_value("guest_user_id"));
        auto relay = std::make_shared<StreamRelay<v1::GuestExportChunk>>(
            req, res, kDeadline, [&stub, &request](grpc::ClientContext* context) {
              return stub->ExportGuest(context, request);
            });
        if (grpc::Status started = relay->Start(); !started.ok()) {
          WriteRpcError(res, started);
          return;
        }
        res.status = 200;
        res.set_header("Content-Disposition", "attachment; filename=\"guest-export.json\"");
        res.set_chunked_content_provider(
            "application/json", [relay](size_t, httplib::DataSink& sink) {
              bool complete = false;
              if (relay->Next(sink, &complete)) return true;
              if (!complete) return false;  // cut short: the client sees a broken answer
              sink.done();
              return true;
            });
      });
}

}  // namespace wa::gateway
