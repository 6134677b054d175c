package workspace_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// TestLibWorkspaceCertificateRenewal moves the emulator's clock (and the library's, Options.Now)
// to 20 days before the session certificate expires: the renewal is then due, and an update that
// renews re-imports new material into the same certificate ARN, with the account's own
// credentials, and replaces the TLS material in SSM, whose CA is the new certificate's chain.
func TestLibWorkspaceCertificateRenewal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A clock that runs with the wall clock, shifted: EKS transitions still settle.
	var shift atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	env := newWorkspaceEnv(t, awsemu.Options{Now: now})
	opts := fastWaits
	opts.Now = now
	root, err := lakesail.NewClient(fastRetries(env.emu.AWSConfig(nil)), opts)
	lakesailtest.Must(t, err)
	assume := func() *workspace.Client {
		// Role sessions expire on the emulator's clock: a new one after every move.
		asRole, err := root.AssumeRole(lakesail.RoleSession{RoleARN: env.spec.ConnectionRoleARN, ExternalID: lakesailtest.ExternalID})
		lakesailtest.Must(t, err)
		return workspace.New(asRole)
	}
	env.spec.AccountClient = root
	ws, err := assume().Create(ctx, env.spec, nil)
	lakesailtest.Must(t, err)
	notAfter := ws.CertificateNotAfter
	if notAfter.IsZero() || workspace.CertificateRenewalDue(notAfter, now(), workspace.DefaultCertificateRenewalDays) {
		t.Fatalf("a new certificate (valid until %v) is due for renewal at %v", notAfter, now())
	}
	body, caParameter := sessionCertificate(t, env.emu, ws.CertificateARN), caCertParameter(t, root, env.spec)

	shift.Store(int64(time.Until(notAfter.Add(-20 * 24 * time.Hour))))
	if !workspace.CertificateRenewalDue(notAfter, now(), workspace.DefaultCertificateRenewalDays) {
		t.Fatalf("20 days before %v the certificate is not due for renewal", notAfter)
	}
	if workspace.CertificateRenewalDue(notAfter, now(), 10) {
		t.Fatal("a 10-day window is due 20 days before expiry")
	}
	read, err := assume().Read(ctx, env.spec, ws.Record())
	lakesailtest.Must(t, err)
	if len(read.Drift) > 0 || !read.CertificateNotAfter.Equal(notAfter) {
		t.Fatalf("before the renewal: drift %v, not after %v", read.Drift, read.CertificateNotAfter)
	}

	renew := env.spec
	renew.RenewCertificate = true
	renewed, err := assume().Update(ctx, env.spec, renew, ws.Record())
	lakesailtest.Must(t, err)
	if renewed.CertificateARN != ws.CertificateARN || len(renewed.AccountActions) > 0 {
		t.Fatalf("renewal replaced the certificate: %s -> %s, left %v", ws.CertificateARN, renewed.CertificateARN, renewed.AccountActions)
	}
	if !renewed.CertificateNotAfter.After(notAfter) || workspace.CertificateRenewalDue(renewed.CertificateNotAfter, now(), workspace.DefaultCertificateRenewalDays) {
		t.Fatalf("renewed certificate valid until %v (was %v), due at %v", renewed.CertificateNotAfter, notAfter, now())
	}
	if len(renewed.Drift) > 0 {
		t.Fatalf("drift after the renewal: %v", renewed.Drift)
	}
	newBody, newCA := sessionCertificate(t, env.emu, ws.CertificateARN), caCertParameter(t, root, env.spec)
	if newBody.cert == body.cert || newCA == caParameter {
		t.Fatal("the certificate or the CA in SSM did not change")
	}
	if newBody.chain != newCA {
		t.Fatal("the CA in SSM is not the renewed certificate's chain")
	}
	// The session listener still names the certificate, which now serves the new body.
	if l := env.sessionLoadBalancer(t).listener; l == nil || len(l.Certificates) != 1 || aws.ToString(l.Certificates[0].CertificateArn) != ws.CertificateARN {
		t.Fatalf("after the renewal the listener serves %+v, not %s", l, ws.CertificateARN)
	}
	if renewed.SessionLoadBalancer.CertificateARN != ws.CertificateARN || !renewed.SessionLoadBalancer.InSpec {
		t.Fatalf("after the renewal the workspace's load balancer is %+v", renewed.SessionLoadBalancer)
	}
	lakesailtest.Must(t, assume().Delete(ctx, env.spec, renewed.Record()))
}

type certificateBody struct{ cert, chain string }

// sessionCertificate is what ACM serves for the certificate, read with the account's credentials.
func sessionCertificate(t *testing.T, emu *awsemu.Emulator, arn string) certificateBody {
	t.Helper()
	out, err := acm.NewFromConfig(emu.AWSConfig(nil)).GetCertificate(context.Background(), &acm.GetCertificateInput{CertificateArn: aws.String(arn)})
	lakesailtest.Must(t, err)
	return certificateBody{cert: aws.ToString(out.Certificate), chain: aws.ToString(out.CertificateChain)}
}

// caCertParameter is the workspace's CA certificate in SSM.
func caCertParameter(t *testing.T, root *lakesail.Client, s workspace.Spec) string {
	t.Helper()
	out, err := root.SSM().GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(s.ParameterPath() + "ca-cert"), WithDecryption: aws.Bool(true)})
	lakesailtest.Must(t, err)
	return aws.ToString(out.Parameter.Value)
}
