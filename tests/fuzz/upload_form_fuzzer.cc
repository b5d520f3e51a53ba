// Fuzzes the media upload form: a script of multipart events (parts with
// fuzzed names and file names, data of fuzzed sizes, the server ending the
// call after some messages) played into UploadForm, checking the
// UploadMedia stream it writes. httplib's own byte-level multipart parser
// lives in Debian's compiled libcpp-httplib, outside this build's
// instrumentation; this target covers what our code does with its output.
//
// Script: byte 0 = how many writes succeed before the call ends (0: all);
// then records "op, length, bytes": op%5 = 0 'media' part (bytes: file
// name), 1 'media_type' part, 2 a part named by the bytes, 3 data (the
// bytes), 4 bulk data ((length % 80) KiB of 'z', enough to cross the 64 KiB
// chunk size while keeping an input cheap).
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/adapters/upload_form.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

namespace v1 = ::hotel::whatsapp::v1;

struct Stream {
  int metadata = 0;
  std::string file;  // the chunks, joined
  bool ended = false;
  bool cancelled = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int writes_allowed = data[0];
  Stream stream;
  int writes = 0;
  wa::gateway::UploadForm form(
      [&](const v1::UploadMediaRequest& m) {
        // Nothing is written once the call has ended or been cancelled.
        WA_FUZZ_CHECK(!stream.ended && !stream.cancelled);
        if (writes_allowed != 0 && ++writes > writes_allowed) {
          stream.ended = true;
          return false;
        }
        if (m.has_metadata()) ++stream.metadata;
        if (m.part_case() == v1::UploadMediaRequest::kChunk) {
          WA_FUZZ_CHECK(!m.chunk().empty());
          stream.file += m.chunk();
        }
        return true;
      },
      [&] { stream.cancelled = true; });

  std::string sent_file;  // what the script put into 'media' parts
  bool in_file = false;
  size_t pos = 1;
  while (pos + 2 <= size) {
    const uint8_t op = data[pos] % 5;
    const size_t length = data[pos + 1];
    pos += 2;
    const size_t take = op == 4 ? 0 : std::min(length, size - pos);
    const std::string bytes(reinterpret_cast<const char*>(data + pos), take);
    pos += take;
    switch (op) {
      case 0:
        WA_FUZZ_CHECK(form.OnPart("media", bytes));
        in_file = true;
        break;
      case 1:
        WA_FUZZ_CHECK(form.OnPart("media_type", ""));
        in_file = false;
        break;
      case 2:
        WA_FUZZ_CHECK(form.OnPart(bytes, ""));
        in_file = bytes == "media";
        break;
      case 3:
        WA_FUZZ_CHECK(form.OnData(bytes.data(), bytes.size()));
        if (in_file) sent_file += bytes;
        break;
      case 4: {
        const std::string bulk((length % 80) * 1024, 'z');
        WA_FUZZ_CHECK(form.OnData(bulk.data(), bulk.size()));
        if (in_file) sent_file += bulk;
        break;
      }
    }
  }
  if (form.Complete()) {
    // A complete form wrote its metadata once and the file as sent.
    WA_FUZZ_CHECK(form.problem().empty() && !form.rpc_ended() && !stream.cancelled);
    WA_FUZZ_CHECK(stream.metadata == 1);
    WA_FUZZ_CHECK(stream.file == sent_file);
  } else {
    WA_FUZZ_CHECK(form.rpc_ended() || !form.problem().empty());
    WA_FUZZ_CHECK(form.problem().empty() || stream.cancelled);
  }
  return 0;
}
