#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace wa::cli {

// Fills a request from command-line words, by the request's own
// descriptor, so the CLI knows no field by name:
//   --data=JSON or --data=@file.json   merged first (the REST body's JSON)
//   --a.b=value                         one field by its path; numbers, bools
//                                       and enums by the field's type
//   --map_field.key=value               one map entry (e.g. --parameters.guest_name=Ana)
//   --repeated=x --repeated=y           appended in order
//   a positional word                   the field named `positional`, if any
// Unknown fields and bad values are errors that name the word.
absl::Status FillRequest(const std::vector<std::string>& words, const std::string& positional,
                         google::protobuf::Message* request);

// One line per field of `type` ("  content.text  string"), nested messages
// expanded a level, for --help.
std::string DescribeFields(const google::protobuf::Descriptor* type);

}  // namespace wa::cli
