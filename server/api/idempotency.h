#pragma once

#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "server/domain/idempotency_service.h"
#include "server/domain/token_service.h"
#include "server/storage/records.h"

namespace wa::api {

// Inside a send's transaction, once the answer is filled in: claims the key
// with that answer. Empty when the call has no key.
using Remember = std::function<absl::Status()>;

// The call's idempotency key: the request's `idempotency_key` field, else
// the `idempotency-key` metadata (the REST gateway forwards the
// Idempotency-Key header as that metadata).
std::string IdempotencyKey(const grpc::ServerContextBase& context,
                           const google::protobuf::Message& request);
// A hash of the request without its key, so a repeat matches its original
// and a changed request does not.
std::string Fingerprint(const google::protobuf::Message& request);

// A single send's in-transaction step: fills the answer from the stored
// message, then remembers it.
std::function<absl::Status(const storage::MessageRecord&)> RememberSend(
    Remember remember, hotel::whatsapp::v1::SendMessageResponse* response);

// Runs `send(remember)` under the call's idempotency key. Without a key it
// simply sends. With one: a repeat is answered from the first answer
// without sending; a different request under a used key is refused
// (ALREADY_EXISTS); a new key is claimed by `remember`, which `send` runs
// inside the transaction that queues the send. If a concurrent identical
// call claimed the key first, this one's send was undone and it answers
// what that one answered.
template <typename Send>
absl::Status RunIdempotent(domain::IdempotencyService& keys, const grpc::ServerContextBase& context,
                           const domain::Caller& caller, const google::protobuf::Message& request,
                           google::protobuf::Message* response, Send&& send) {
  std::string key = IdempotencyKey(context, request);
  if (key.empty()) return std::forward<Send>(send)(Remember());
  domain::IdempotentCall call{caller.property_id, std::move(key),
                              request.GetDescriptor()->full_name(), Fingerprint(request)};
  auto replay = [&]() -> absl::StatusOr<bool> {
    absl::StatusOr<std::optional<std::string>> first = keys.Replay(call);
    if (!first.ok()) return first.status();
    if (!*first) return false;
    response->Clear();
    if (!response->ParseFromString(**first)) {
      return absl::InternalError("a remembered answer could not be read");
    }
    return true;
  };
  absl::StatusOr<bool> replayed = replay();
  if (!replayed.ok() || *replayed) return replayed.status();
  absl::Status sent = std::forward<Send>(send)(
      [&] { return keys.RememberInTransaction(call, response->SerializeAsString()); });
  if (!domain::IdempotencyService::IsKeyTaken(sent)) return sent;
  replayed = replay();
  if (!replayed.ok()) return replayed.status();
  if (!*replayed) return absl::AbortedError("idempotency key released meanwhile; try again");
  return absl::OkStatus();
}

}  // namespace wa::api
