package network_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// The connection role may mark a brought VPC or subnet (and launch into it) only where the
// account itself tagged LakeSail-Adoptable-By=<ID>, a tag the role can neither add nor remove.

// newCrossAccountNetworkEnv is newNetworkEnv whose connection role also trusts lakesailtest.OtherAccountID's
// root; other is a library client of that account (no credentials of the connection's account,
// as LakeSail's control plane).
func newCrossAccountNetworkEnv(t *testing.T) (env *networkEnv, other *lakesail.Client) {
	t.Helper()
	emu := awsemu.Test(t, awsemu.Options{TransitionDelay: 20 * time.Millisecond})
	if err := emu.ListenTLS("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	opts := lakesail.Options{Partition: "aws", WaitMinDelay: 5 * time.Millisecond, WaitMaxDelay: 40 * time.Millisecond}
	cfg := emu.TLSAWSConfig(nil)
	cfg.Retryer = lakesailtest.FastRetryer
	client, err := lakesail.NewClient(cfg, opts)
	lakesailtest.Must(t, err)
	creds := emu.AddAccount(lakesailtest.OtherAccountID)
	otherCfg := emu.TLSAWSConfig(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }))
	otherCfg.Retryer = lakesailtest.FastRetryer
	other, err = lakesail.NewClient(otherCfg, opts)
	lakesailtest.Must(t, err)
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	spec.Policy.ProvisionerPrincipals = append(spec.Policy.ProvisionerPrincipals, "arn:aws:iam::"+lakesailtest.OtherAccountID+":root")
	conn := lakesailtest.CreateConnection(t, client, spec)
	return &networkEnv{emu: emu, client: client, conn: conn, cfg: cfg}, other
}

func broughtSpec(env *networkEnv, customer customerNetwork) network.Spec {
	spec := env.spec()
	spec.CIDRBlock, spec.VPCID, spec.PrivateSubnetIDs, spec.PublicSubnetIDs = "", customer.vpcID, customer.private, customer.public
	spec.ForceDestroy = true
	return spec
}

// TestLibNetworkAdoptWithAccountCredentials: adoption tags the VPC and subnets
// LakeSail-Adoptable-By with the account's own credentials (the only calls not made by the role),
// records that it did, and destroy removes it again with them; the role can neither add nor
// remove that tag itself.
func TestLibNetworkAdoptWithAccountCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	customer := makeCustomerNetwork(t, env, false)
	spec := broughtSpec(env, customer)
	from := len(env.emu.Calls())

	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	assertAccountCallsOnly(t, env, from, customer.ids(), "ec2:CreateTags")
	for _, id := range customer.ids() {
		tags := tagsOf(t, env, id)
		if tags[connpolicy.TagAdoptableBy] != lakesailtest.ConnectionID || tags[connpolicy.TagNetwork] != testNetworkID {
			t.Errorf("%s tags %v: want %s=%s and the network's mark", id, tags, connpolicy.TagAdoptableBy, lakesailtest.ConnectionID)
		}
		if !slices.Contains(n.AdoptedTagKeys[id], connpolicy.TagAdoptableBy) {
			t.Errorf("the record does not say the network added %s to %s: %v", connpolicy.TagAdoptableBy, id, n.AdoptedTagKeys[id])
		}
	}

	// The role itself can neither remove the tag nor put it on another VPC.
	role, err := env.client.AssumeRole(lakesail.RoleSession{RoleARN: env.conn.RoleARN, ExternalID: lakesailtest.ExternalID, SessionName: "lakesail-network-test"})
	lakesailtest.Must(t, err)
	roleEC2 := ec2.NewFromConfig(role.AWSConfig())
	adoptable := []ec2types.Tag{{Key: aws.String(connpolicy.TagAdoptableBy), Value: aws.String(lakesailtest.ConnectionID)}}
	_, err = roleEC2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{customer.vpcID}, Tags: adoptable})
	requireAccessDenied(t, "the role removing "+connpolicy.TagAdoptableBy, err)
	other := makeCustomerNetwork(t, env, false)
	_, err = roleEC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{other.vpcID}, Tags: adoptable})
	requireAccessDenied(t, "the role adding "+connpolicy.TagAdoptableBy, err)
	_, err = roleEC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{other.vpcID},
		Tags: []ec2types.Tag{{Key: aws.String(connpolicy.TagNetwork), Value: aws.String(testNetworkID)}}})
	requireAccessDenied(t, "the role marking a VPC the account did not make adoptable", err)

	from = len(env.emu.Calls())
	_, err = network.New(env.client).Delete(ctx, spec, n)
	lakesailtest.Must(t, err)
	assertAccountCallsOnly(t, env, from, customer.ids(), "ec2:DeleteTags")
	for _, id := range customer.ids() {
		tags := tagsOf(t, env, id)
		if _, ok := tags[connpolicy.TagAdoptableBy]; ok {
			t.Errorf("destroy left %s on %s", connpolicy.TagAdoptableBy, id)
		}
		if _, ok := tags[connpolicy.TagNetwork]; ok {
			t.Errorf("destroy left the network's mark on %s", id)
		}
	}
	if got := countVPCObjects(t, env, customer.vpcID); got != customer.objectsBefore {
		t.Errorf("the brought VPC has %d objects, had %d", got, customer.objectsBefore)
	}
}

// TestLibNetworkAdoptWithoutAccountCredentials: from another account, adoption of a VPC the
// customer did not tag is refused with the tag, the ids and the fix, before the role marks
// anything; once the customer tags them by hand it works, and destroy leaves the customer's tag.
// A tag naming another connection is never overwritten, even with the account's credentials.
func TestLibNetworkAdoptWithoutAccountCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env, other := newCrossAccountNetworkEnv(t)
	customer := makeCustomerNetwork(t, env, false)
	spec := broughtSpec(env, customer)

	_, err := network.New(other).Create(ctx, spec, nil, nil)
	var refused *network.AdoptableTagError
	if !errors.As(err, &refused) || !refused.Adding {
		t.Fatalf("adopting an untagged VPC from another account: %v, want an AdoptableTagError", err)
	}
	for _, want := range append(customer.ids(), connpolicy.TagAdoptableBy+"="+lakesailtest.ConnectionID, "aws ec2 create-tags", lakesailtest.OtherAccountID) {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %q: %v", want, err)
		}
	}
	for _, id := range customer.ids() {
		if tags := tagsOf(t, env, id); tags[connpolicy.TagNetwork] != "" || tags[connpolicy.TagAdoptableBy] != "" {
			t.Errorf("%s was tagged %v by a refused adoption", id, tags)
		}
	}
	for _, c := range env.emu.Calls() {
		if c.Principal == "arn:aws:iam::"+lakesailtest.OtherAccountID+":root" && c.Action != "sts:AssumeRole" && c.Action != "sts:GetCallerIdentity" {
			t.Errorf("the other account's own credentials were used for %s", c.Action)
		}
	}
	// The failed create made the network's bucket and key: a destroy removes them.
	_, err = network.New(other).Delete(ctx, spec, nil)
	lakesailtest.Must(t, err)

	customer = makeCustomerNetwork(t, env, true)
	spec = broughtSpec(env, customer)
	n, err := network.New(other).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	for id, keys := range n.AdoptedTagKeys {
		if slices.Contains(keys, connpolicy.TagAdoptableBy) {
			t.Errorf("the record claims the network added %s to %s", connpolicy.TagAdoptableBy, id)
		}
	}
	_, err = network.New(other).Delete(ctx, spec, n)
	lakesailtest.Must(t, err)
	for _, id := range customer.ids() {
		tags := tagsOf(t, env, id)
		if tags[connpolicy.TagAdoptableBy] != lakesailtest.ConnectionID || tags[connpolicy.TagNetwork] != "" {
			t.Errorf("%s tags after destroy %v: want the customer's %s only", id, tags, connpolicy.TagAdoptableBy)
		}
	}

	// Adoptable by another connection: refused, and the tag is kept.
	taken := makeCustomerNetwork(t, env, false)
	_, err = env.ec2().CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{taken.private[1]},
		Tags: []ec2types.Tag{{Key: aws.String(connpolicy.TagAdoptableBy), Value: aws.String("ZZ99ZZ99ZZ")}}})
	lakesailtest.Must(t, err)
	_, err = network.New(env.client).Create(ctx, broughtSpec(env, taken), nil, nil)
	if !errors.As(err, &refused) || refused.OtherConnection != "ZZ99ZZ99ZZ" || !strings.Contains(err.Error(), taken.private[1]) {
		t.Fatalf("adopting a subnet adoptable by another connection: %v", err)
	}
	if got := tagsOf(t, env, taken.private[1])[connpolicy.TagAdoptableBy]; got != "ZZ99ZZ99ZZ" {
		t.Errorf("the other connection's %s became %q", connpolicy.TagAdoptableBy, got)
	}
	if got := tagsOf(t, env, taken.vpcID)[connpolicy.TagNetwork]; got != "" {
		t.Errorf("the refused adoption marked the VPC (%s=%s)", connpolicy.TagNetwork, got)
	}
	_, err = network.New(env.client).Delete(ctx, broughtSpec(env, taken), nil)
	lakesailtest.Must(t, err)
}

// TestLibNetworkReleaseNeedsAccountCredentials: a tag the network added with the account's
// credentials is not silently left by a destroy without them: the role's marks go, and the
// destroy fails naming the tag and the fix; a destroy with the account's credentials finishes.
func TestLibNetworkReleaseNeedsAccountCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env, other := newCrossAccountNetworkEnv(t)
	customer := makeCustomerNetwork(t, env, false)
	spec := broughtSpec(env, customer)
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)

	_, err = network.New(other).Delete(ctx, spec, n)
	var refused *network.AdoptableTagError
	if !errors.As(err, &refused) || refused.Adding || !strings.Contains(err.Error(), "aws ec2 delete-tags") {
		t.Fatalf("destroy without the account's credentials: %v, want an AdoptableTagError naming the fix", err)
	}
	for _, id := range customer.ids() {
		tags := tagsOf(t, env, id)
		if tags[connpolicy.TagNetwork] != "" || tags[connpolicy.TagAdoptableBy] != lakesailtest.ConnectionID {
			t.Errorf("%s tags %v: want the role's marks gone and %s kept", id, tags, connpolicy.TagAdoptableBy)
		}
	}
	_, err = network.New(env.client).Delete(ctx, spec, n)
	lakesailtest.Must(t, err)
	for _, id := range customer.ids() {
		if _, ok := tagsOf(t, env, id)[connpolicy.TagAdoptableBy]; ok {
			t.Errorf("%s still carries %s", id, connpolicy.TagAdoptableBy)
		}
	}
}

// assertAccountCallsOnly checks the calls since from: all allowed; those not made by the
// network's role session are the account's own account check and action on ids only.
func assertAccountCallsOnly(t *testing.T, env *networkEnv, from int, ids []string, action string) {
	t.Helper()
	session := ":assumed-role/" + env.conn.RoleName + "/lakesail-network-"
	accountRoot := "arn:aws:iam::" + env.emu.AccountID() + ":root"
	used := false
	for _, c := range env.emu.Calls()[from:] {
		if c.Decision != "allow" {
			t.Errorf("%s %s on %v: decision %s (%s)", c.Principal, c.Action, c.Resources, c.Decision, c.ErrorCode)
		}
		if c.Action == "sts:AssumeRole" || strings.Contains(c.Principal, session) {
			continue
		}
		switch {
		case c.Principal == accountRoot && c.Action == "sts:GetCallerIdentity":
		case c.Principal == accountRoot && c.Action == action:
			used = true
			for _, r := range c.Resources {
				if !slices.ContainsFunc(ids, func(id string) bool { return strings.HasSuffix(r, "/"+id) }) {
					t.Errorf("the account's %s on %s, which is not brought", c.Action, r)
				}
			}
		default:
			t.Errorf("%s was called by %s, neither the role's session nor the account's %s", c.Action, c.Principal, action)
		}
	}
	if !used {
		t.Errorf("the account's own credentials made no %s", action)
	}
}

func requireAccessDenied(t *testing.T, what string, err error) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.ErrorCode(), "Unauthorized") && !strings.Contains(apiErr.ErrorCode(), "AccessDenied") {
		t.Errorf("%s: %v, want a refusal", what, err)
	}
}
