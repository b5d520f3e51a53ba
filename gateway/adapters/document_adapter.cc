#include "gateway/adapters/document_adapter.h"

#include "httplib.h"

namespace wa::gateway {

void AddDocumentAdapter(HttpRouter& router, std::string path, std::string content_type,
                        std::string body) {
  router.AddAdapter("GET", std::move(path),
                    [content_type = std::move(content_type), body = std::move(body)](
                        const httplib::Request&, httplib::Response& res) {
                      res.set_content(body, content_type);
                    });
}

void AddDocumentAdapter(HttpRouter& router, std::string path, std::string content_type,
                        std::function<Document()> produce) {
  router.AddAdapter("GET", std::move(path),
                    [content_type = std::move(content_type), produce = std::move(produce)](
                        const httplib::Request&, httplib::Response& res) {
                      Document document = produce();
                      res.status = document.status;
                      res.set_content(document.body, content_type);
                    });
}

}  // namespace wa::gateway
