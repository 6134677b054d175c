package connection_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// outsideAccount is the account a planted role trusts.
const outsideAccount = "999999999999"

func trustJSON(principal string) *string {
	return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}]}`)
}

// connectionRequestTags are the tags the connection role must put on what it creates.
func connectionRequestTags() []iamtypes.Tag {
	return []iamtypes.Tag{{Key: aws.String(connpolicy.TagConnection), Value: aws.String(lakesailtest.ConnectionID)},
		{Key: aws.String(connpolicy.TagService), Value: aws.String(connpolicy.ServiceTagValue)},
		{Key: aws.String(connpolicy.TagTenant), Value: aws.String(lakesailtest.TenantID)}}
}

// TestLibConnectionRevokesWorkloadRoles: acting as the connection role, plant a role that
// trusts another account (within what the role's policies allow: lakesail-<ID>-*, carrying
// WorkloadBoundary, with the connection tag), give it an inline policy and an instance profile,
// and make an OIDC provider. Read reports the role; destroy removes every IAM object of the
// connection and nothing of the account's own, and afterwards neither role can be assumed.
func TestLibConnectionRevokesWorkloadRoles(t *testing.T) {
	ctx := context.Background()
	clock := awsemu.NewClock(time.Now().UTC())
	emu, client := newEmulatedClient(t, awsemu.Options{Now: clock.Now})
	root := iam.NewFromConfig(emu.AWSConfig(nil))
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	prefix := "lakesail-" + lakesailtest.ConnectionID + "-"

	// The account's own OIDC provider, older than the connection.
	customerProvider := createOIDCProvider(t, root, "https://oidc.eks.us-east-1.amazonaws.com/id/CUSTOMER0000000000000000000000001", nil)
	_, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("customer-app"), AssumeRolePolicyDocument: trustJSON(`{"Service":"ec2.amazonaws.com"}`)})
	lakesailtest.Must(t, err)
	clock.Advance(time.Minute)

	conn := lakesailtest.CreateConnection(t, client, spec)
	bundle, err := connection.New(client).Bundle(ctx, spec)
	lakesailtest.Must(t, err)
	clock.Advance(time.Minute)
	asRole, err := client.AssumeRole(lakesail.RoleSession{RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID})
	lakesailtest.Must(t, err)
	api := iam.NewFromConfig(asRole.AWSConfig())

	// The backdoor: exactly what the connection role is allowed to create today, with an inline
	// policy, in an instance profile the account made for it.
	backdoor, err := lakesailtest.PlantBackdoor(ctx, asRole.AWSConfig(), emu.AWSConfig(nil), lakesailtest.ConnectionID, lakesailtest.TenantID, "evil",
		"arn:aws:iam::"+outsideAccount+":root")
	lakesailtest.Must(t, err)
	evil := backdoor.RoleName
	// A role named by its path: the role's ARN pattern role/lakesail-<ID>-* admits it too.
	_, err = api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("pathed"), Path: aws.String("/" + prefix + "x/"),
		PermissionsBoundary: aws.String(bundle.WorkloadBoundary.ARN), AssumeRolePolicyDocument: trustJSON(`{"Service":"ec2.amazonaws.com"}`), Tags: connectionRequestTags()})
	lakesailtest.Must(t, err)
	// A role the account bounded with WorkloadBoundary itself: the boundary makes it the
	// connection's, wherever it is named.
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bounded-elsewhere"), PermissionsBoundary: aws.String(bundle.WorkloadBoundary.ARN),
		AssumeRolePolicyDocument: trustJSON(`{"Service":"lambda.amazonaws.com"}`)})
	lakesailtest.Must(t, err)
	workspaceProvider := createOIDCProvider(t, api, "https://oidc.eks.us-east-1.amazonaws.com/id/WORKSPACE000000000000000000000001", connectionRequestTags())
	// The role tags the account's older provider: that tag must not make it the connection's.
	_, err = api.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(customerProvider), Tags: connectionRequestTags()[:1]})
	if err != nil {
		t.Logf("the connection role may not tag the account's provider (%v); tagging it as the account", err)
		_, err = root.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(customerProvider), Tags: connectionRequestTags()[:1]})
		lakesailtest.Must(t, err)
	}

	// The planted role works from the outside account.
	outside := emu.AddAccount(outsideAccount)
	if err := assumeAs(emu, outside, backdoor.RoleARN, ""); err != nil {
		t.Fatalf("the planted role should be assumable from %s before destroy: %v", outsideAccount, err)
	}

	// Read reports it (and only it: the others trust EC2 and Lambda, and Lambda is outside).
	read, err := connection.New(client).Read(ctx, spec)
	lakesailtest.Must(t, err)
	reported := map[string][]string{}
	for _, o := range read.OutsideTrust {
		reported[o.RoleName] = o.Principals
	}
	if got := reported[evil]; !slices.Contains(got, "AWS arn:aws:iam::"+outsideAccount+":root") {
		t.Errorf("Read did not report %s trusting %s: %v", evil, outsideAccount, read.OutsideTrust)
	}
	if got := reported["bounded-elsewhere"]; !slices.Equal(got, []string{"Service lambda.amazonaws.com"}) {
		t.Errorf("Read did not report bounded-elsewhere trusting Lambda: %v", read.OutsideTrust)
	}
	if _, ok := reported["pathed"]; ok || len(read.OutsideTrust) != 2 {
		t.Errorf("OutsideTrust = %v, want exactly %s and bounded-elsewhere", read.OutsideTrust, evil)
	}
	if len(read.Drift) != 0 {
		t.Errorf("workload roles are not drift of the connection: %v", read.Drift)
	}

	lakesailtest.Must(t, connection.New(client).Delete(ctx, spec))

	// Nothing of the connection is left; the account's own objects are.
	if left := connectionLeftovers(t, emu, customerProvider); len(left) != 0 {
		t.Errorf("left after destroy: %v", left)
	}
	if _, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("customer-app")}); err != nil {
		t.Errorf("destroy touched the account's own role: %v", err)
	}
	providers, err := root.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	lakesailtest.Must(t, err)
	var arns []string
	for _, p := range providers.OpenIDConnectProviderList {
		arns = append(arns, aws.ToString(p.Arn))
	}
	if !slices.Contains(arns, customerProvider) || slices.Contains(arns, workspaceProvider) {
		t.Errorf("OIDC providers after destroy = %v; want the account's %s kept and the connection's %s deleted", arns, customerProvider, workspaceProvider)
	}
	// STS refuses a role that no longer exists with AccessDenied.
	if err := assumeAs(emu, outside, backdoor.RoleARN, ""); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("assuming the planted role from %s after destroy: %v, want AccessDenied", outsideAccount, err)
	}
	if err := assumeAs(emu, emu.RootCredentials(), conn.RoleARN, lakesailtest.ExternalID); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("assuming the connection role after destroy: %v, want AccessDenied", err)
	}
	// Idempotent.
	lakesailtest.Must(t, connection.New(client).Delete(ctx, spec))
}

// TestLibConnectionDestroyRefusesCustomerAttachments: the account attached PolicyEKS to a role of
// its own and made RoleBoundary the boundary of another. Destroy does not detach them (it never
// changes identities the connection did not create): it refuses before changing anything and
// names both, and succeeds once the account has let go of them.
func TestLibConnectionDestroyRefusesCustomerAttachments(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{})
	root := iam.NewFromConfig(emu.AWSConfig(nil))
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	lakesailtest.CreateConnection(t, client, spec)
	bundle, err := connection.New(client).Bundle(ctx, spec)
	lakesailtest.Must(t, err)
	eks := bundle.Policy(connpolicy.KindEKS)

	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ops-admin"), AssumeRolePolicyDocument: trustJSON(`{"Service":"ec2.amazonaws.com"}`)})
	lakesailtest.Must(t, err)
	_, err = root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ops-admin"), PolicyArn: aws.String(eks.ARN)})
	lakesailtest.Must(t, err)
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ci-runner"), AssumeRolePolicyDocument: trustJSON(`{"Service":"ec2.amazonaws.com"}`),
		PermissionsBoundary: aws.String(bundle.RoleBoundary.ARN)})
	lakesailtest.Must(t, err)

	err = connection.New(client).Delete(ctx, spec)
	blocked := deleteBlocked(err)
	if len(blocked) != 2 {
		t.Fatalf("DeleteConnection = %v, want two *DeleteBlockedError", err)
	}
	byObject := map[string][]string{}
	for _, b := range blocked {
		byObject[b.Object] = b.BlockedBy
		if b.Err != nil {
			t.Errorf("refused before changing anything, yet carries an AWS error: %v", b.Err)
		}
	}
	if got := byObject["IAM policy "+eks.Name]; !slices.Equal(got, []string{"role ops-admin (attached)"}) {
		t.Errorf("%s blocked by %v", eks.Name, got)
	}
	if got := byObject["IAM policy "+bundle.RoleBoundary.Name]; !slices.Equal(got, []string{"role ci-runner (permissions boundary)"}) {
		t.Errorf("%s blocked by %v", bundle.RoleBoundary.Name, got)
	}
	if !strings.Contains(err.Error(), "ops-admin") || !strings.Contains(err.Error(), "detach") {
		t.Errorf("message does not say who blocks and what to do: %v", err)
	}
	// Nothing changed: the connection is whole, the account's attachments are in place.
	conn, err := connection.New(client).Read(ctx, spec)
	lakesailtest.Must(t, err)
	assertNoDrift(t, client, spec, conn)
	attached, err := root.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("ops-admin")})
	lakesailtest.Must(t, err)
	if len(attached.AttachedPolicies) != 1 {
		t.Errorf("destroy changed ops-admin: %v", attached.AttachedPolicies)
	}

	_, err = root.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("ops-admin"), PolicyArn: aws.String(eks.ARN)})
	lakesailtest.Must(t, err)
	_, err = root.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("ci-runner")})
	lakesailtest.Must(t, err)
	lakesailtest.Must(t, connection.New(client).Delete(ctx, spec))
	if left := connectionLeftovers(t, emu); len(left) != 0 {
		t.Errorf("left after destroy: %v", left)
	}
	for _, name := range []string{"ops-admin", "ci-runner"} {
		if _, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}); err != nil {
			t.Errorf("destroy deleted the account's role %s: %v", name, err)
		}
	}
}

// TestLibConnectionDeleteConflictNamesBlocker: someone attaches PolicyEKS to their own role
// while destroy runs (after its check), so AWS refuses DeletePolicy with DeleteConflict; the
// error names that role, and the connection role is still there for the next destroy.
func TestLibConnectionDeleteConflictNamesBlocker(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{})
	root := iam.NewFromConfig(emu.AWSConfig(nil))
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	lakesailtest.CreateConnection(t, client, spec)
	bundle, err := connection.New(client).Bundle(ctx, spec)
	lakesailtest.Must(t, err)
	eks := bundle.Policy(connpolicy.KindEKS)
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("late-admin"), AssumeRolePolicyDocument: trustJSON(`{"Service":"ec2.amazonaws.com"}`)})
	lakesailtest.Must(t, err)

	// A client whose transport attaches the policy just before its DeletePolicy reaches IAM.
	cfg := emu.AWSConfig(nil)
	cfg.HTTPClient = &beforeCall{base: http.DefaultClient, action: "DeletePolicy", param: eks.ARN, run: func() {
		_, err := root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("late-admin"), PolicyArn: aws.String(eks.ARN)})
		lakesailtest.Must(t, err)
	}}
	racing, err := lakesail.NewClient(cfg, lakesail.Options{Partition: "aws"})
	lakesailtest.Must(t, err)

	err = connection.New(racing).Delete(ctx, spec)
	blocked := deleteBlocked(err)
	if len(blocked) != 1 || blocked[0].Object != "IAM policy "+eks.Name || !slices.Equal(blocked[0].BlockedBy, []string{"role late-admin (attached)"}) {
		t.Fatalf("DeleteConnection = %v, want PolicyEKS blocked by late-admin", err)
	}
	var awsErr *lakesail.AWSError
	if !errors.As(err, &awsErr) || awsErr.Code != "DeleteConflict" || awsErr.Action != "iam:DeletePolicy" {
		t.Errorf("the AWS refusal is not kept: %v", err)
	}
	if _, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(bundle.RoleName)}); err != nil {
		t.Errorf("the connection role went before its policies: %v", err)
	}

	_, err = root.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("late-admin"), PolicyArn: aws.String(eks.ARN)})
	lakesailtest.Must(t, err)
	lakesailtest.Must(t, connection.New(client).Delete(ctx, spec))
	if left := connectionLeftovers(t, emu); len(left) != 0 {
		t.Errorf("left after destroy: %v", left)
	}
}

// deleteBlocked collects every *DeleteBlockedError in err, joined ones included.
func deleteBlocked(err error) []*lakesail.DeleteBlockedError {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*lakesail.DeleteBlockedError
		for _, e := range joined.Unwrap() {
			out = append(out, deleteBlocked(e)...)
		}
		return out
	}
	var b *lakesail.DeleteBlockedError
	if errors.As(err, &b) {
		return []*lakesail.DeleteBlockedError{b}
	}
	return nil
}

// connectionLeftovers is lakesailtest.ConnectionLeftovers for the test connection, as the
// account; keep names OIDC providers of the account's own.
func connectionLeftovers(t *testing.T, emu *awsemu.Emulator, keep ...string) []string {
	t.Helper()
	left, err := lakesailtest.ConnectionLeftovers(context.Background(), emu.AWSConfig(nil), lakesailtest.ConnectionID, keep...)
	lakesailtest.Must(t, err)
	return left
}

func createOIDCProvider(t *testing.T, api *iam.Client, issuer string, tags []iamtypes.Tag) string {
	t.Helper()
	out, err := api.CreateOpenIDConnectProvider(context.Background(), &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"},
		ThumbprintList: []string{strings.Repeat("9e", 20)}, Tags: tags,
	})
	lakesailtest.Must(t, err)
	return aws.ToString(out.OpenIDConnectProviderArn)
}

// assumeAs calls sts:AssumeRole on roleARN with creds (and the external ID when set), once.
func assumeAs(emu *awsemu.Emulator, creds aws.Credentials, roleARN, externalID string) error {
	cfg := emu.AWSConfig(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }))
	return lakesailtest.TryAssumeRole(context.Background(), cfg, roleARN, externalID)
}

// beforeCall runs run once, just before the first IAM query request for action that names param.
type beforeCall struct {
	base          *http.Client
	action, param string
	run           func()
	once          sync.Once
}

func (b *beforeCall) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") == b.action && slices.Contains(formValues(form), b.param) {
			b.once.Do(b.run)
		}
	}
	return b.base.Do(req)
}

func formValues(form url.Values) []string {
	var out []string
	for _, values := range form {
		out = append(out, values...)
	}
	return out
}
