// The peer the benchmark compares the REST gateway with: grpc-gateway (Go,
// Debian's golang-github-grpc-ecosystem-grpc-gateway-dev) in front of the
// same wa-server. scripts/bench generates the handlers from the project's
// protos into a build directory and builds this file beside them.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/runtime"
	"google.golang.org/grpc"

	v1 "hotel/whatsapp/v1"
)

type register func(context.Context, *runtime.ServeMux, string, []grpc.DialOption) error

func main() {
	backend := flag.String("backend", "127.0.0.1:50051", "wa-server's gRPC address")
	listen := flag.String("listen", "127.0.0.1:0", "the HTTP address to serve")
	flag.Parse()

	// Snake-case names and every field printed, as the project's gateway does.
	mux := runtime.NewServeMux(runtime.WithMarshalerOption(runtime.MIMEWildcard,
		&runtime.JSONPb{OrigName: true, EmitDefaults: true}))
	opts := []grpc.DialOption{grpc.WithInsecure()}
	ctx := context.Background()
	for _, r := range []register{
		v1.RegisterAdminServiceHandlerFromEndpoint,
		v1.RegisterConsentServiceHandlerFromEndpoint,
		v1.RegisterConversationsServiceHandlerFromEndpoint,
		v1.RegisterEventsServiceHandlerFromEndpoint,
		v1.RegisterGuestDataServiceHandlerFromEndpoint,
		v1.RegisterMediaServiceHandlerFromEndpoint,
		v1.RegisterMessagesServiceHandlerFromEndpoint,
		v1.RegisterPropertiesServiceHandlerFromEndpoint,
		v1.RegisterSandboxServiceHandlerFromEndpoint,
		v1.RegisterTemplatesServiceHandlerFromEndpoint,
		v1.RegisterWebhooksServiceHandlerFromEndpoint,
	} {
		if err := r(ctx, mux, *backend, opts); err != nil {
			log.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	// scripts/bench reads the port from this line.
	fmt.Printf("grpc-gateway listening %d\n", l.Addr().(*net.TCPAddr).Port)
	log.Fatal(http.Serve(l, mux))
}
