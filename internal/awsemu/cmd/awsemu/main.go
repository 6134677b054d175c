// Command awsemu serves the loopback AWS emulator until SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
)

func main() { os.Exit(run()) }

func run() int {
	listen := flag.String("listen", "127.0.0.1:4566", "address to listen on (host:port; port 0 picks a free one)")
	account := flag.String("account-id", awsemu.DefaultAccountID, "account id of the root credentials test/test")
	region := flag.String("region", awsemu.DefaultRegion, "default region")
	propagation := flag.Duration("propagation-delay", 0, "how long a new role cannot be assumed")
	latency := flag.Duration("latency", 0, "latency added to every AWS call")
	transition := flag.Duration("transition-delay", 0, "how long NAT gateways and EKS resources stay in transitional states")
	sessionDuration := flag.Duration("session-duration", 0, "cap on every assumed-role session's lifetime (0: as requested)")
	tlsListen := flag.String("tls-listen", "", "also serve HTTPS here (host:port) with a self-signed certificate, for TLS-only bucket policies")
	tlsCert := flag.String("tls-cert", "", "with -tls-listen: write the certificate (PEM) to this file, for AWS_CA_BUNDLE")
	flag.Parse()

	// Catch signals before announcing readiness, so a supervisor may stop us as soon as it reads the line.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e, err := awsemu.StartAt(*listen, awsemu.Options{
		AccountID: *account, Region: *region, PropagationDelay: *propagation, Latency: *latency,
		TransitionDelay: *transition, SessionDuration: *sessionDuration,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "awsemu:", err)
		return 1
	}
	if *tlsListen != "" {
		if err := e.ListenTLS(*tlsListen); err != nil {
			fmt.Fprintln(os.Stderr, "awsemu: tls:", err)
			return 1
		}
		if *tlsCert != "" {
			if err := os.WriteFile(*tlsCert, e.CertificatePEM(), 0o600); err != nil {
				fmt.Fprintln(os.Stderr, "awsemu: tls:", err)
				return 1
			}
		}
	}
	fmt.Println("awsemu listening on " + e.Endpoint())
	if *tlsListen != "" {
		fmt.Println("awsemu listening with TLS on " + e.TLSEndpoint())
	}
	<-ctx.Done()
	stop()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Shutdown(shutdown); err != nil {
		fmt.Fprintln(os.Stderr, "awsemu: shutdown:", err)
		return 1
	}
	return 0
}
