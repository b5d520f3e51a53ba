#include "tests/integration/contract_methods.h"

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"

namespace wa::testing {

const std::set<std::string>& AdminOnly() {
  static const auto* names = new std::set<std::string>{
      "hotel.whatsapp.v1.AdminService.CreateToken",
      "hotel.whatsapp.v1.AdminService.ListAuditEvents",
      "hotel.whatsapp.v1.AdminService.ListTokens",
      "hotel.whatsapp.v1.AdminService.RevokeToken",
      "hotel.whatsapp.v1.AutomationService.CreateRule",
      "hotel.whatsapp.v1.AutomationService.DeleteRule",
      "hotel.whatsapp.v1.AutomationService.GetRule",
      "hotel.whatsapp.v1.AutomationService.ListDepartments",
      "hotel.whatsapp.v1.AutomationService.ListRules",
      "hotel.whatsapp.v1.AutomationService.PutDepartment",
      "hotel.whatsapp.v1.AutomationService.ReorderRules",
      "hotel.whatsapp.v1.AutomationService.TestRules",
      "hotel.whatsapp.v1.AutomationService.UpdateRule",
      "hotel.whatsapp.v1.ConsentService.GetGuestConsent",
      "hotel.whatsapp.v1.ConsentService.SetGuestConsent",
      "hotel.whatsapp.v1.PropertiesService.UpdateProperty",
      "hotel.whatsapp.v1.GuestDataService.EraseGuest",
      "hotel.whatsapp.v1.GuestDataService.ExportGuest",
      "hotel.whatsapp.v1.PropertiesService.UpdateRetention",
      "hotel.whatsapp.v1.SandboxService.SimulateInbound",
      "hotel.whatsapp.v1.TemplatesService.SubmitTemplate",
      "hotel.whatsapp.v1.TemplatesService.SyncTemplates",
      "hotel.whatsapp.v1.WebhooksService.ConfigureWebhook",
      "hotel.whatsapp.v1.WebhooksService.GetWebhookConfig",
      "hotel.whatsapp.v1.WebhooksService.GetWebhookDelivery",
      "hotel.whatsapp.v1.WebhooksService.ListWebhookDeliveries",
      "hotel.whatsapp.v1.WebhooksService.ReplayDeadLetters",
      "hotel.whatsapp.v1.WebhooksService.ReplayWebhookDelivery",
      "hotel.whatsapp.v1.WebhooksService.RotateWebhookSecret",
      "hotel.whatsapp.v1.WebhooksService.SendTestWebhook",
  };
  return *names;
}

namespace {

// Meta's callbacks are signed by Meta (X-Hub-Signature-256), not by our tokens.
bool SignedByMeta(const google::protobuf::ServiceDescriptor* service) {
  return service->full_name() == "hotel.whatsapp.v1.ProviderCallbacksService";
}

// The contract's services, read from the descriptor set the build makes of
// every .proto it compiles.
const google::protobuf::DescriptorPool& ContractPool() {
  static const auto* pool = [] {
    google::protobuf::FileDescriptorSet set;
    std::ifstream in(WA_CONTRACT_DESCRIPTORS, std::ios::binary);
    EXPECT_TRUE(set.ParseFromIstream(&in)) << WA_CONTRACT_DESCRIPTORS;
    auto* built = new google::protobuf::DescriptorPool();
    for (const auto& file : set.file()) EXPECT_NE(built->BuildFile(file), nullptr) << file.name();
    return built;
  }();
  return *pool;
}

}  // namespace

std::vector<const google::protobuf::MethodDescriptor*> AllMethods() {
  google::protobuf::FileDescriptorSet set;
  std::ifstream in(WA_CONTRACT_DESCRIPTORS, std::ios::binary);
  set.ParseFromIstream(&in);
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const auto& proto : set.file()) {
    if (!absl::StartsWith(proto.name(), "hotel/")) continue;
    const google::protobuf::FileDescriptor* fd = ContractPool().FindFileByName(proto.name());
    for (int s = 0; fd != nullptr && s < fd->service_count(); ++s) {
      if (SignedByMeta(fd->service(s))) continue;
      for (int m = 0; m < fd->service(s)->method_count(); ++m) {
        methods.push_back(fd->service(s)->method(m));
      }
    }
  }
  return methods;
}

grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const google::protobuf::MethodDescriptor* method,
                                  const std::string& authorization) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::CompletionQueue cq;
  std::string path = absl::StrCat("/", method->service()->full_name(), "/", method->name());
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, path, &cq);
  void* tag;
  bool ok;
  auto step = [&](int id) {
    cq.Next(&tag, &ok);
    EXPECT_EQ(tag, reinterpret_cast<void*>(id));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  if (step(1)) {
    grpc::Slice empty;
    grpc::ByteBuffer request(&empty, 1);
    call->Write(request, reinterpret_cast<void*>(2));
    if (step(2)) {
      call->WritesDone(reinterpret_cast<void*>(3));
      step(3);
    }
    grpc::ByteBuffer response;
    call->Read(&response, reinterpret_cast<void*>(4));
    // A live stream (StreamEvents) never ends by itself: its first message
    // shows the call was let through.
    bool more = step(4);
    if (more && method->server_streaming()) context.TryCancel();
    while (more) {
      call->Read(&response, reinterpret_cast<void*>(4));
      more = step(4);
    }
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace wa::testing
