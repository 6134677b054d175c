// Package awsemu is the loopback AWS emulator tests and the demo run against: the shared core
// (awsemu/core: server, SigV4, protocols, authorization, accounts and sessions, call log,
// faults) serving the services of awsemu/iam, sts, ec2, eks, eksauth, s3, kms, logs, ssm, acm,
// glue, elbv2, cloudwatch and outside. This package assembles them and is what tests import.
package awsemu

import (
	"testing"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/acm"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/cloudwatch"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/ec2"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/eks"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/eksauth"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/elbv2"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/glue"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/iam"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/kms"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/logs"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/outside"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/s3"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/ssm"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/sts"
)

// DefaultAccountID and DefaultRegion are used when Options leaves them empty.
const (
	DefaultAccountID = core.DefaultAccountID
	DefaultRegion    = core.DefaultRegion
)

// Options configure an Emulator (see core.Options).
type Options = core.Options

// Fault, Call, AuthQuestion and Clock are the core's test-facing types.
type (
	Fault        = core.Fault
	Call         = core.Call
	AuthQuestion = core.AuthQuestion
	Clock        = core.Clock
)

// NewClock is a clock for Options.Now that tests move forward by hand.
func NewClock(t time.Time) *Clock { return core.NewClock(t) }

// Rounds groups a call log into rounds of calls that overlapped in time (sequential rounds).
func Rounds(calls []Call) [][]Call { return core.Rounds(calls) }

// Emulator is an in-memory AWS serving every service of this emulator.
type Emulator struct {
	*core.Emulator
}

// services are the services every emulator serves; add new ones here.
func Services() []*core.Service {
	return []*core.Service{
		iam.Service(), sts.Service(),
		eks.Service(), eksauth.Service(), logs.Service(), ssm.Service(), acm.Service(), glue.Service(),
		ec2.Service(), elbv2.Service(),
		outside.DynamoDBService(), outside.RDSService(), outside.OrganizationsService(),
		s3.Service(), kms.Service(), cloudwatch.Service(),
	}
}

// New builds an emulator that is not listening; serve its Handler yourself or use Start.
func New(opts Options) *Emulator { return &Emulator{core.NewEmulator(opts, Services())} }

// Start builds an emulator and serves it on a free 127.0.0.1 port.
func Start(opts Options) (*Emulator, error) { return StartAt("127.0.0.1:0", opts) }

// StartAt builds an emulator and serves it on addr (host:port; port 0 picks a free one).
func StartAt(addr string, opts Options) (*Emulator, error) {
	e := New(opts)
	if err := e.Listen(addr); err != nil {
		return nil, err
	}
	return e, nil
}

// Test starts an emulator for a test and closes it when the test ends.
func Test(t testing.TB, opts Options) *Emulator {
	t.Helper()
	e, err := Start(opts)
	if err != nil {
		t.Fatalf("awsemu: start: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("awsemu: close: %v", err)
		}
	})
	return e
}

// ServiceAccountToken mints the token a pod running as namespace/serviceAccount in the cluster
// would get for IRSA (audience sts.amazonaws.com, valid one hour on the emulator's clock), as
// the cluster's API server signs it. The cluster must exist in the default account and region.
func (e *Emulator) ServiceAccountToken(clusterName, namespace, serviceAccount string) (string, error) {
	return eks.ServiceAccountToken(e.Emulator, clusterName, namespace, serviceAccount)
}

// ServiceAccountTokenFor mints a token with any subject and audience (tests of refusals).
func (e *Emulator) ServiceAccountTokenFor(clusterName, subject, audience string) (string, error) {
	return eks.ServiceAccountTokenFor(e.Emulator, clusterName, subject, audience)
}

// PodIdentityToken mints the token the EKS Pod Identity agent gets from a pod named pod running as
// namespace/serviceAccount in the cluster (audience pods.eks.amazonaws.com, with the pod's name
// and uid among its claims, valid one hour on the emulator's clock), for
// eks-auth:AssumeRoleForPodIdentity. The cluster must exist in the default account and region.
func (e *Emulator) PodIdentityToken(clusterName, namespace, serviceAccount, pod string) (string, error) {
	return eks.PodIdentityToken(e.Emulator, clusterName, namespace, serviceAccount, pod)
}

// MintServiceAccountToken signs a service-account token for issuer as an EKS cluster's API
// server would, for clusters the emulator does not hold or other lifetimes (tests of refusals).
func MintServiceAccountToken(issuer, subject, audience string, issued time.Time, ttl time.Duration) (string, error) {
	return eks.MintToken(issuer, subject, audience, issued, ttl)
}
