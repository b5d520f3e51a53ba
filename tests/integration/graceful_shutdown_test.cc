// SIGTERM is a graceful stop: requests in flight on both surfaces finish
// with their answers, a provider call in flight is recorded, and the
// process exits 0 promptly.
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"
#include "hotel/whatsapp/v1/messages.grpc.pb.h"
#include "hotel/whatsapp/v1/sandbox.grpc.pb.h"
#include "tests/common/media_samples.h"
#include "tests/integration/cloud_pair.h"
#include "tests/integration/raw_socket.h"
#include "tests/integration/server_process.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr absl::Duration kPrompt = absl::Seconds(5);

// Waits for the exit status on a thread, so a hang fails instead of blocking.
int WaitFor(ServerProcess& server, absl::Duration timeout, absl::Duration* took) {
  absl::Time start = absl::Now();
  int status = -1;
  std::thread waiter([&] { status = server.Wait(); });
  while (status == -1 && absl::Now() - start < timeout) absl::SleepFor(absl::Milliseconds(10));
  if (status == -1) kill(server.pid(), SIGKILL);
  waiter.join();
  *took = absl::Now() - start;
  return status;
}

void OpenWindow(ServerProcess& server, const std::string& admin, const std::string& guest) {
  auto channel = grpc::CreateChannel(server.grpc_address(), grpc::InsecureChannelCredentials());
  auto stub = v1::SandboxService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + admin);
  v1::SimulateInboundRequest request;
  request.set_guest_phone(guest);
  request.set_text("Hello");
  v1::SimulateInboundResponse response;
  ASSERT_TRUE(stub->SimulateInbound(&context, request, &response).ok());
}

TEST(GracefulShutdownTest, RestRequestInFlightCompletesAndTheProcessExitsZero) {
  ServerProcess server;
  server.Start();
  const std::string admin = server.CreateToken("admin");
  const std::string staff = server.CreateToken("staff");
  OpenWindow(server, admin, "+15550700001");

  const std::string body =
      R"({"guest_phone": "+15550700001", "message_type": "text", "content": {"text": "in flight"}})";
  int fd = ConnectLoopback(server.http_port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(
      fd, absl::StrCat("POST /api/v1/whatsapp/messages/send HTTP/1.1\r\nHost: x\r\n",
                       "Authorization: Bearer ", staff,
                       "\r\nContent-Type: application/json\r\nContent-Length: ", body.size(),
                       "\r\n\r\n", body.substr(0, 20))));
  absl::SleepFor(absl::Milliseconds(200));  // the request is being read
  server.Terminate();
  absl::SleepFor(absl::Milliseconds(300));  // the server is stopping meanwhile
  ASSERT_TRUE(SendAll(fd, body.substr(20)));
  std::string answer = ReadUntilClosed(fd, absl::Seconds(10));
  close(fd);
  EXPECT_TRUE(absl::StartsWith(answer, "HTTP/1.1 200")) << answer;
  EXPECT_TRUE(absl::StrContains(answer, "\"message_id\":\"msg_")) << answer;

  absl::Duration took;
  EXPECT_EQ(WaitFor(server, kPrompt, &took), 0);
  EXPECT_LT(took, kPrompt);
  // A new connection is refused now: the listener is gone.
  EXPECT_LT(ConnectLoopback(server.http_port()), 0);
}

TEST(GracefulShutdownTest, GrpcCallInFlightCompletesAndTheProcessExitsZero) {
  ServerProcess server;
  server.Start();
  const std::string staff = server.CreateToken("staff");
  auto stub = v1::MediaService::NewStub(
      grpc::CreateChannel(server.grpc_address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + staff);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::Media media;
  auto writer = stub->UploadMedia(&context, &media);
  v1::UploadMediaRequest part;
  part.mutable_metadata()->set_media_type(v1::MEDIA_TYPE_IMAGE);
  part.mutable_metadata()->set_filename("key.png");
  ASSERT_TRUE(writer->Write(part));
  const std::string png = PngBytes(8, 8, 7);
  part.set_chunk(png.substr(0, png.size() / 2));
  ASSERT_TRUE(writer->Write(part));
  absl::SleepFor(absl::Milliseconds(200));
  server.Terminate();
  absl::SleepFor(absl::Milliseconds(300));
  part.set_chunk(png.substr(png.size() / 2));
  EXPECT_TRUE(writer->Write(part));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(media.size_bytes(), static_cast<int64_t>(png.size()));

  absl::Duration took;
  EXPECT_EQ(WaitFor(server, kPrompt, &took), 0);
  EXPECT_LT(took, kPrompt);
}

TEST(GracefulShutdownTest, ProviderCallInFlightIsRecordedAndNotRepeated) {
  CloudPair pair;
  ASSERT_TRUE(pair.Start({"--reconcile_grace=1s"}));
  const std::string guest = "+15550700003";
  // Meta answers this guest's send slowly: SIGTERM arrives during the call.
  pair.fake->SetRecipientBehavior(guest, fakes::Behavior::Accept().After(absl::Milliseconds(1500)));
  ASSERT_EQ(
      pair.fake->PostNotification(pair.fake->InboundTextNotification(guest.substr(1), "Ann", "Hi")),
      200);
  const std::string staff = pair.server->CreateToken("staff");
  auto stub = v1::MessagesService::NewStub(
      grpc::CreateChannel(pair.server->grpc_address(), grpc::InsecureChannelCredentials()));
  std::string message_id;
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + staff);
    v1::SendMessageRequest request;
    request.set_guest_phone(guest);
    request.set_message_type(v1::MESSAGE_TYPE_TEXT);
    request.mutable_content()->set_text("sent while stopping");
    v1::SendMessageResponse response;
    grpc::Status status;
    // The window opens once the callback is processed.
    ASSERT_TRUE(WaitUntil([&] {
      grpc::ClientContext c;
      c.AddMetadata("authorization", "Bearer " + staff);
      status = stub->SendMessage(&c, request, &response);
      return status.ok();
    }));
    message_id = response.message_id();
  }
  ASSERT_TRUE(pair.fake->WaitForRequests(1, absl::Seconds(10)));
  pair.server->Terminate();
  absl::Duration took;
  EXPECT_EQ(WaitFor(*pair.server, kPrompt, &took), 0);
  EXPECT_LT(took, kPrompt);
  EXPECT_GE(took, absl::Milliseconds(800)) << "stopped without waiting for the provider call";

  // The answer of the call in flight was stored: after a restart and more
  // than the reconcile grace, the message carries Meta's wamid and was not
  // sent again.
  pair.server->Start();
  stub = v1::MessagesService::NewStub(
      grpc::CreateChannel(pair.server->grpc_address(), grpc::InsecureChannelCredentials()));
  absl::SleepFor(absl::Seconds(2));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + staff);
  v1::GetMessageStatusRequest request;
  request.set_message_id(message_id);
  v1::MessageStatusResponse status;
  ASSERT_TRUE(stub->GetMessageStatus(&context, request, &status).ok());
  std::vector<fakes::RecordedMessage> sends = pair.fake->Requests();
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(status.whatsapp_message_id(), sends[0].wamid);
}

}  // namespace
}  // namespace wa::testing
