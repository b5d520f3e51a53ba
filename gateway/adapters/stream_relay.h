#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "gateway/http_response.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "httplib.h"

namespace wa::gateway {

// One server-streaming call feeding httplib's content provider, one chunk
// (a message with a `data` field) per call, so the whole answer is never
// held in memory. Lives as long as httplib keeps the provider.
template <typename Chunk>
class StreamRelay {
 public:
  using Reader = grpc::ClientReader<Chunk>;
  using Open = std::function<std::unique_ptr<Reader>(grpc::ClientContext*)>;

  StreamRelay(const httplib::Request& req, const httplib::Response& res,
              std::chrono::seconds deadline, const Open& open) {
    AddForwardedMetadata(req, res, &context_);
    context_.set_deadline(std::chrono::system_clock::now() + deadline);
    reader_ = open(&context_);
  }
  ~StreamRelay() {
    if (finished_) return;
    context_.TryCancel();  // a client that went away stops the stream
    (void)reader_->Finish();
  }

  // Waits for the first chunk, which the server sends only once it can
  // answer: before the status line goes out, so a refusal is a whole error
  // answer. The call's status when it failed.
  grpc::Status Start() {
    if (reader_->Read(&chunk_)) {
      pending_ = true;
      return grpc::Status::OK;
    }
    finished_ = true;
    grpc::Status status = reader_->Finish();
    return status.ok() ? grpc::Status(grpc::StatusCode::INTERNAL, "empty stream") : status;
  }

  // Writes the next chunk. False when the stream ended or the client went:
  // `*complete` then tells whether it ended well.
  bool Next(httplib::DataSink& sink, bool* complete = nullptr) {
    if (!pending_ && !reader_->Read(&chunk_)) {
      finished_ = true;
      grpc::Status status = reader_->Finish();
      if (complete != nullptr) *complete = status.ok();
      return false;
    }
    pending_ = false;
    return chunk_.data().empty() || sink.write(chunk_.data().data(), chunk_.data().size());
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<Reader> reader_;
  Chunk chunk_;
  bool pending_ = false;   // chunk_ holds a chunk not yet written
  bool finished_ = false;  // Finish() was called
};

}  // namespace wa::gateway
