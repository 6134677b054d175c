package sarcheck

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/authref"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// authQuestion is one (action, resource) pair an operation asked authorization for.
type authQuestion struct {
	op       string // "ec2.CreateVpc"
	action   string
	resource string
	also     bool // from the operation's Also checks
}

// authRecorder collects the authorization questions the emulator reports through its
// OnAuthorize hook, and the condition keys each action was given.
type authRecorder struct {
	mu   sync.Mutex
	seen map[authQuestion]bool
	ops  map[string]bool
	keys map[[2]string]bool // (op action, key)
}

// recordAuthorization registers a recorder with e's OnAuthorize hook, so it sees each action and
// resource the emulator authorizes, whoever the caller (root calls are computed too). Call it
// before the emulator serves.
func recordAuthorization(e *awsemu.Emulator) *authRecorder {
	rec := &authRecorder{seen: map[authQuestion]bool{}, ops: map[string]bool{}, keys: map[[2]string]bool{}}
	e.OnAuthorize(rec.add)
	return rec
}

// add records one call's checks: Checks[0] is the operation's own action, the rest its Also
// checks; a check without resources is decided on "*".
func (r *authRecorder) add(q awsemu.AuthQuestion) {
	r.mu.Lock()
	defer r.mu.Unlock()
	name := q.Service + "." + q.Operation
	r.ops[name] = true
	for i, ch := range q.Checks {
		for k := range ch.Context {
			r.keys[[2]string{name + " " + ch.Action, k}] = true
		}
		list := ch.Resources
		if len(list) == 0 {
			list = []string{"*"}
		}
		for _, res := range list {
			r.seen[authQuestion{op: name, action: ch.Action, resource: res, also: i > 0}] = true
		}
	}
}

// TestEmuAuthorizedResourcesFitSAR drives the library's connection, network and workspace
// lifecycles through the emulator, recording what it authorizes with its OnAuthorize hook, and
// checks every (action, resource) the emulator authorized against the SAR: the action is known,
// the resource is "*" exactly when the action has no resource types (or only optional ones), and
// otherwise an ARN of one of its resource types; and every condition key it supplied is one the
// SAR lists for the action or its resource types.
func TestEmuAuthorizedResourcesFitSAR(t *testing.T) {
	if testing.Short() {
		t.Skip("drives whole lifecycles")
	}
	e := awsemu.New(awsemu.Options{TransitionDelay: 20 * time.Millisecond})
	rec := recordAuthorization(e)
	if err := e.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if err := e.ListenTLS("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	driveLifecycles(t, e)

	var problems []string
	for q := range rec.seen {
		if p := sarMismatch(q); p != "" {
			problems = append(problems, p)
		}
	}
	for k := range rec.keys {
		op, action, _ := strings.Cut(k[0], " ")
		if p := sarKeyMismatch(op, action, k[1]); p != "" {
			problems = append(problems, p)
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	var unexercised []string
	for _, op := range e.Operations() {
		if !rec.ops[op] {
			unexercised = append(unexercised, op)
		}
	}
	t.Logf("%d authorization questions from %d operations; not exercised here: %s",
		len(rec.seen), len(rec.ops), strings.Join(unexercised, " "))
}

// sarMismatch explains how q departs from the SAR, or returns "".
func sarMismatch(q authQuestion) string {
	if q.action == "" {
		return ""
	}
	kind := "authorizes"
	if q.also {
		kind = "also checks"
	}
	act, ok := authref.Lookup(q.action)
	if !ok {
		return fmt.Sprintf("%s %s %s, which is not in the SAR", q.op, kind, q.action)
	}
	required := false
	for _, ref := range act.Resources {
		required = required || ref.Required
	}
	switch {
	case act.Unscoped() && q.resource != "*":
		return fmt.Sprintf("%s %s %s on %s, but the SAR lists no resource type for it (\"*\" only)", q.op, kind, q.action, q.resource)
	case q.resource == "*" && required:
		return fmt.Sprintf("%s %s %s on \"*\", but the SAR requires a resource of type %v", q.op, kind, q.action, refTypes(act))
	case q.resource != "*":
		if _, ok := authref.ResourceTypeOf(q.action, q.resource); !ok {
			return fmt.Sprintf("%s %s %s on %s, an ARN of none of its SAR resource types %v", q.op, kind, q.action, q.resource, refTypes(act))
		}
	}
	return ""
}

// sarKeyMismatch explains how a condition key the emulator supplies for an action departs from
// the SAR (the action's keys, its resource types' keys), or returns "". Global keys other than
// the tag keys, whose support the SAR lists per action, are AWS's for every request.
func sarKeyMismatch(op, action, key string) string {
	act, ok := authref.Lookup(action)
	if !ok || keyListed(act.ConditionKeys, key) {
		return ""
	}
	tagKey := strings.HasPrefix(key, "aws:RequestTag/") || strings.HasPrefix(key, "aws:ResourceTag/") || key == "aws:TagKeys"
	if strings.HasPrefix(key, "aws:") && !tagKey {
		return ""
	}
	svc, _ := authref.ServiceOf(act.Prefix())
	for _, ref := range act.Resources {
		if keyListed(ref.ConditionKeys, key) || keyListed(svc.ResourceTypes[ref.Type].ConditionKeys, key) {
			return ""
		}
	}
	return fmt.Sprintf("%s gives %s the condition key %s, which the SAR does not list for it", op, action, key)
}

// keyListed matches a key against SAR keys, whose ${TagKey}-style variables stand for any text
// (SSM's page writes the variable "tag-key").
func keyListed(keys []string, key string) bool {
	for _, k := range keys {
		k = strings.Replace(k, "/tag-key", "/${TagKey}", 1)
		if prefix, _, ok := strings.Cut(k, "${"); ok && strings.HasPrefix(strings.ToLower(key), strings.ToLower(prefix)) || strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

func refTypes(act authref.Action) []string {
	var out []string
	for _, ref := range act.Resources {
		name := ref.Type
		if ref.Required {
			name += "*"
		}
		out = append(out, name)
	}
	return out
}

// driveLifecycles creates, reads, updates and destroys a connection, a network and a workspace
// through the library, as the library's own tests do (internal/lakesail/*_test.go). Only the
// authorization questions matter here: a failed step after the creates is logged, not fatal (a
// denied call was still authorized on its action and resource), since the library's own tests
// judge its lifecycles.
func driveLifecycles(t *testing.T, e *awsemu.Emulator) {
	t.Helper()
	ctx := context.Background()
	const connID, tenantID, externalID = "AB12CD34EF", "TENANT0001", "external-id-for-authref-0123456789"
	cfg := e.TLSAWSConfig(nil)
	client, err := lakesail.NewClient(cfg, lakesail.Options{Partition: "aws", WaitMinDelay: 5 * time.Millisecond, WaitMaxDelay: 40 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	connSpec := connection.Spec{
		Policy: connpolicy.Spec{
			ConnectionID: connID, TenantID: tenantID, ExternalID: externalID,
			ProvisionerPrincipals: []string{"arn:aws:iam::" + e.AccountID() + ":root"},
		},
		Tags: map[string]string{"team": "data"},
	}
	conn, err := connection.New(client).Create(ctx, connSpec, nil)
	if err != nil {
		t.Fatalf("CreateConnection: %v", err)
	}
	netSpec := network.Spec{
		ConnectionID: connID, RoleARN: conn.RoleARN, ExternalID: externalID, NetworkID: "NET0000001",
		CIDRBlock: "10.20.0.0/16", ForceDestroy: true, Tags: map[string]string{"team": "data"},
	}
	net, err := network.New(client).Create(ctx, netSpec, nil, nil)
	if err != nil {
		t.Fatalf("CreateNetwork: %v", err)
	}
	if _, err := network.New(client).Read(ctx, netSpec, net); err != nil {
		t.Logf("ReadNetwork: %v", err)
	}
	asRole, err := client.AssumeRole(lakesail.RoleSession{RoleARN: conn.RoleARN, ExternalID: externalID})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	wsSpec := workspace.Spec{
		ConnectionID: connID, TenantID: tenantID, WorkspaceID: "WS00000001",
		AccountID: e.AccountID(), Partition: "aws", ConnectionRoleARN: conn.RoleARN,
		Network: workspace.Network{VpcID: net.VPCID, PrivateSubnetIDs: net.PrivateSubnetIDs,
			SecurityGroupID: net.SecurityGroupID, KMSKeyARN: net.KMSKeyARN, BucketName: net.BucketName},
		KubernetesVersion: "1.32",
		LogTypes:          workspace.DefaultLogTypes,
		LogRetentionDays:  30,
		SystemNodeGroup: workspace.NodeGroupSpec{InstanceTypes: []string{"t3.medium"}, MinSize: 1, DesiredSize: 2, MaxSize: 3,
			DiskSize: 20, AMIType: "AL2023_x86_64_STANDARD"},
		Addons:        workspace.DefaultAddons(),
		GlueDatabases: []string{"analytics"},
		Tags:          map[string]string{"team": "data"},
	}
	driveWorkspace(t, asRole, wsSpec)
	if _, err := network.New(client).Delete(ctx, netSpec, net); err != nil {
		t.Logf("DeleteNetwork: %v", err)
	}
	if err := connection.New(client).Delete(ctx, connSpec); err != nil {
		t.Logf("DeleteConnection: %v", err)
	}
}

// driveWorkspace creates, reads, updates and deletes a workspace; a failure is logged and ends
// the workspace's part of the drive.
func driveWorkspace(t *testing.T, asRole *lakesail.Client, wsSpec workspace.Spec) {
	t.Helper()
	ctx := context.Background()
	ws, err := workspace.New(asRole).Create(ctx, wsSpec, nil)
	if err != nil {
		t.Logf("CreateWorkspace: %v", err)
		return
	}
	if _, err := workspace.New(asRole).Read(ctx, wsSpec, ws.Record()); err != nil {
		t.Logf("ReadWorkspace: %v", err)
	}
	next := wsSpec
	next.SystemNodeGroup.DesiredSize, next.SystemNodeGroup.MaxSize = 3, 5
	next.Tags = map[string]string{"team": "platform"}
	next.GlueDatabases = []string{"analytics", "raw"}
	next.LogRetentionDays = 90
	// In place to EKS Pod Identity: the agent, the associations (with iam:PassRole), their reads and deletion.
	next.WorkloadIdentity = workspace.WorkloadIdentityPodIdentity
	if updated, err := workspace.New(asRole).Update(ctx, wsSpec, next, ws.Record()); err != nil {
		t.Logf("UpdateWorkspace: %v", err)
	} else {
		ws, wsSpec = updated, next
	}
	if err := workspace.New(asRole).Delete(ctx, wsSpec, ws.Record()); err != nil {
		t.Logf("DeleteWorkspace: %v", err)
	}
}
