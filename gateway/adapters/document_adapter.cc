#include "gateway/adapters/document_adapter.h"

#include "httplib.h"

namespace wa::gateway {

void AddDocumentAdapter(HttpGateway& gateway, std::string path, std::string content_type,
                        const char* body) {
  gateway.AddAdapter("GET", std::move(path),
                     [content_type = std::move(content_type), body](const httplib::Request&,
                                                                     httplib::Response& res) {
                       res.set_content(body, content_type);
                     });
}

}  // namespace wa::gateway
