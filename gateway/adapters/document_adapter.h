#pragma once

#include <functional>
#include <string>

#include "gateway/http_router.h"

namespace wa::gateway {

// GET `path` answers `body` as `content_type`, without a token: public
// documents such as the OpenAPI description.
void AddDocumentAdapter(HttpRouter& router, std::string path, std::string content_type,
                        std::string body);

// A document made when it is asked for (metrics, readiness), with its status.
struct Document {
  int status = 200;
  std::string body;
};
void AddDocumentAdapter(HttpRouter& router, std::string path, std::string content_type,
                        std::function<Document()> produce);

}  // namespace wa::gateway
