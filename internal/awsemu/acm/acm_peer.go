package acm

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// acmPeer is ACM's answer to other services (the small interfaces they declare, such as Elastic
// Load Balancing's elbACM for the certificates of TLS listeners).
type acmPeer struct{}

// CertificateExists implements elbACM: whether the caller's account holds the certificate arn in
// the request's region.
func (acmPeer) CertificateExists(c *core.Req, arn string) bool {
	return acmOf(c).certs[arn] != nil
}
