package network_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/network"
)

// lakeSailAccount is the account of LakeSail's control plane, which every connection role trusts.
const lakeSailAccount = "921150455437"

// asRole returns S3 and KMS clients acting as the connection role (as LakeSail, or anyone who
// obtained its credentials, would).
func (e *networkEnv) asRole(t *testing.T) (*s3.Client, *kms.Client) {
	t.Helper()
	role, err := e.client.AssumeRole(lakesail.RoleSession{RoleARN: e.conn.RoleARN, ExternalID: lakesailtest.ExternalID, SessionName: lakesail.SessionNamePrefix + "probe"})
	lakesailtest.Must(t, err)
	cfg := role.AWSConfig()
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), kms.NewFromConfig(cfg)
}

// controlPlane is a library client with credentials of LakeSail's own account: it reaches the
// customer's account only through the connection role, and has no credentials of that account.
func (e *networkEnv) controlPlane(t *testing.T) *lakesail.Client {
	t.Helper()
	creds := e.emu.AddAccount(lakeSailAccount)
	cfg := e.emu.TLSAWSConfig(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }))
	cfg.Retryer = lakesailtest.FastRetryer
	client, err := lakesail.NewClient(cfg, lakesail.Options{Partition: "aws", WaitMinDelay: 5 * time.Millisecond, WaitMaxDelay: 40 * time.Millisecond})
	lakesailtest.Must(t, err)
	return client
}

func wantAccessDenied(t *testing.T, what string, err error) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || (apiErr.ErrorCode() != "AccessDenied" && apiErr.ErrorCode() != "AccessDeniedException") {
		t.Errorf("%s as the connection role: %v, want AccessDenied", what, err)
	}
}

// withoutStatement is policy without the statement sid.
func withoutStatement(t *testing.T, policy, sid string) string {
	t.Helper()
	doc, err := iampolicy.Parse(policy)
	lakesailtest.Must(t, err)
	before := len(doc.Statement)
	doc.Statement = slices.DeleteFunc(doc.Statement, func(s iampolicy.Statement) bool { return s.Sid == sid })
	if len(doc.Statement) == before {
		t.Fatalf("policy has no statement %s: %s", sid, policy)
	}
	return doc.JSON()
}

func statementSids(t *testing.T, policy string) []string {
	t.Helper()
	doc, err := iampolicy.Parse(policy)
	lakesailtest.Must(t, err)
	var sids []string
	for _, s := range doc.Statement {
		sids = append(sids, s.Sid)
	}
	return sids
}

func (e *networkEnv) bucketPolicy(t *testing.T, bucket string) string {
	t.Helper()
	out, err := e.s3().GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	lakesailtest.Must(t, err)
	return aws.ToString(out.Policy)
}

func (e *networkEnv) keyPolicy(t *testing.T, keyARN string) string {
	t.Helper()
	out, err := e.kms().GetKeyPolicy(context.Background(), &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default")})
	lakesailtest.Must(t, err)
	return aws.ToString(out.Policy)
}

// callsBy lists the actions principal made since from, and fails on any denied call.
func (e *networkEnv) callsBy(t *testing.T, from int, principal func(string) bool) []string {
	t.Helper()
	var actions []string
	for _, c := range e.emu.Calls()[from:] {
		if c.Decision != "allow" {
			t.Errorf("%s %s on %v: %s (%s)", c.Principal, c.Action, c.Resources, c.Decision, c.ErrorCode)
		}
		if principal(c.Principal) {
			actions = append(actions, c.Action)
		}
	}
	return actions
}

// TestLibNetworkProtectionSetAtCreate: the network's key is created untagged (an ordinary
// single-region symmetric key), then tagged by the role under the key's own policy, which names
// the role; the bucket's policy, set last, denies requests without TLS and the role's changes to
// the bucket's protection.
func TestLibNetworkProtectionSetAtCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	from := len(env.emu.Calls())
	n, err := network.New(env.client).Create(ctx, env.spec(), nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)

	var keyCalls, bucketChanges []string
	for _, c := range env.emu.Calls()[from:] {
		switch {
		case c.Service == "kms" && c.Action != "kms:ListAliases":
			keyCalls = append(keyCalls, c.Operation)
		case c.Service == "s3" && strings.HasPrefix(c.Operation, "Put"):
			bucketChanges = append(bucketChanges, c.Operation)
		}
	}
	if i := slices.Index(keyCalls, "CreateKey"); i < 0 || !slices.Equal(keyCalls[i:i+3], []string{"CreateKey", "TagResource", "CreateAlias"}) {
		t.Errorf("key calls %v: want CreateKey, then TagResource, then CreateAlias", keyCalls)
	}
	if len(bucketChanges) == 0 || bucketChanges[len(bucketChanges)-1] != "PutBucketPolicy" {
		t.Errorf("bucket changes %v: the policy must be set last", bucketChanges)
	}

	key, err := env.kms().DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(n.KMSKeyARN)})
	lakesailtest.Must(t, err)
	if m := key.KeyMetadata; m.KeySpec != kmstypes.KeySpecSymmetricDefault || m.KeyUsage != kmstypes.KeyUsageTypeEncryptDecrypt ||
		m.Origin != kmstypes.OriginTypeAwsKms || aws.ToBool(m.MultiRegion) {
		t.Errorf("key %+v: want a single-region symmetric key with KMS key material", m)
	}
	if sids := statementSids(t, env.keyPolicy(t, n.KMSKeyARN)); !slices.Contains(sids, "ConnectionRoleManagesTheKey") {
		t.Errorf("key policy statements %v lack ConnectionRoleManagesTheKey", sids)
	}
	tags, err := env.kms().ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String(n.KMSKeyARN)})
	lakesailtest.Must(t, err)
	if !slices.ContainsFunc(tags.Tags, func(tag kmstypes.Tag) bool {
		return aws.ToString(tag.TagKey) == connpolicy.TagConnection && aws.ToString(tag.TagValue) == lakesailtest.ConnectionID
	}) {
		t.Errorf("key tags %v lack %s", tags.Tags, connpolicy.TagConnection)
	}
	if sids := statementSids(t, env.bucketPolicy(t, n.BucketName)); !slices.Equal(sids, []string{"DenyRequestsWithoutTls", "DenyConnectionRoleChangingDataProtection"}) {
		t.Errorf("bucket policy statements %v", sids)
	}
}

// TestLibNetworkRoleCannotWeakenDataProtection: once the network exists, its connection role
// can neither open the bucket nor weaken its encryption, nor re-policy the key; nothing changed.
func TestLibNetworkRoleCannotWeakenDataProtection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	roleS3, roleKMS := env.asRole(t)
	bucket := aws.String(n.BucketName)
	open := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{Effect: iampolicy.Allow,
		Principal: &iampolicy.Principal{Wildcard: true}, Action: iampolicy.Values{"s3:GetObject"}, Resource: iampolicy.Values{n.BucketARN + "/*"}}}}
	attempts := []struct {
		name string
		call func() error
	}{
		{"PutBucketPolicy", func() error {
			_, err := roleS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(open.JSON())})
			return err
		}},
		{"DeleteBucketPolicy", func() error {
			_, err := roleS3.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket})
			return err
		}},
		{"DeletePublicAccessBlock", func() error {
			_, err := roleS3.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: bucket})
			return err
		}},
		{"PutPublicAccessBlock (all off)", func() error {
			_, err := roleS3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: bucket, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}})
			return err
		}},
		{"DeleteBucketEncryption", func() error {
			_, err := roleS3.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: bucket})
			return err
		}},
		{"PutBucketEncryption (AES256)", func() error {
			_, err := roleS3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: bucket, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
			return err
		}},
		{"PutBucketAcl (public-read)", func() error {
			_, err := roleS3.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: bucket, ACL: s3types.BucketCannedACLPublicRead})
			return err
		}},
		{"PutBucketOwnershipControls (ACLs on)", func() error {
			_, err := roleS3.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: bucket, OwnershipControls: &s3types.OwnershipControls{
				Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}}})
			return err
		}},
		// Needs the explicit deny of kms:PutKeyPolicy in the connection's deny policy.
		{"PutKeyPolicy", func() error {
			_, err := roleKMS.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(n.KMSKeyARN), PolicyName: aws.String("default"),
				Policy: aws.String(withoutStatement(t, env.keyPolicy(t, n.KMSKeyARN), "WorkloadRolesUseTheKeyThroughS3"))})
			return err
		}},
	}
	for _, a := range attempts {
		wantAccessDenied(t, a.name, a.call())
	}
	again, err := network.New(env.client).Read(ctx, spec, n)
	lakesailtest.Must(t, err)
	requireNoDrift(t, again)
}

// TestLibNetworkProtectionDriftRepairedWithOwnerCredentials: the customer weakens the bucket and
// the key in ways the role may not undo; read reports each, and update restores them with the
// client's own (the account's) credentials, the key policy before the key's tags (which the role
// may only set through that policy), without one refused call.
func TestLibNetworkProtectionDriftRepairedWithOwnerCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	s3c, kmsc := env.s3(), env.kms()
	bucket := aws.String(n.BucketName)

	// The deny of the role's changes stays in the bucket policy: only the owner can repair.
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(withoutStatement(t, env.bucketPolicy(t, n.BucketName), "DenyRequestsWithoutTls"))})
	lakesailtest.Must(t, err)
	_, err = s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: bucket})
	lakesailtest.Must(t, err)
	_, err = s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: bucket, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
	lakesailtest.Must(t, err)
	_, err = kmsc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(n.KMSKeyARN), PolicyName: aws.String("default"),
		Policy: aws.String(withoutStatement(t, env.keyPolicy(t, n.KMSKeyARN), "ConnectionRoleManagesTheKey"))})
	lakesailtest.Must(t, err)
	_, err = kmsc.UntagResource(ctx, &kms.UntagResourceInput{KeyId: aws.String(n.KMSKeyARN), TagKeys: []string{"team"}})
	lakesailtest.Must(t, err)

	drifted, err := network.New(env.client).Read(ctx, spec, n)
	lakesailtest.Must(t, err)
	for _, want := range [][]string{{"without TLS"}, {"public access"}, {"default encryption", "AES256"}, {n.KMSKeyARN, "key policy"}, {n.KMSKeyARN, "tag team missing"}} {
		if !slices.ContainsFunc(drifted.Drift, mentions(want...)) {
			t.Errorf("drift %q does not mention %v", drifted.Drift, want)
		}
	}

	from := len(env.emu.Calls())
	restored, err := network.New(env.client).Update(ctx, spec, drifted, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, restored)
	asAccount := env.callsBy(t, from, func(p string) bool { return p == "arn:aws:iam::"+env.emu.AccountID()+":root" })
	for _, action := range []string{"kms:PutKeyPolicy", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration"} {
		if !slices.Contains(asAccount, action) {
			t.Errorf("%s was not made with the account's credentials (those made %v)", action, asAccount)
		}
	}
	asRole := env.callsBy(t, from, func(p string) bool { return strings.Contains(p, ":assumed-role/"+env.conn.RoleName+"/") })
	if !slices.Contains(asRole, "kms:TagResource") {
		t.Errorf("the key's tag was not put back by the role (its calls %v)", asRole)
	}
	if sids := statementSids(t, env.bucketPolicy(t, n.BucketName)); !slices.Contains(sids, "DenyRequestsWithoutTls") {
		t.Errorf("bucket policy statements %v after the repair", sids)
	}
}

// TestLibNetworkProtectionDriftNeedsOwnerCredentials: LakeSail's control plane, which has only
// the connection role, builds and reads the network, sees the customer's changes as drift, and
// cannot restore a protected setting: update says so with a typed error instead of trying as the
// role. A policy the role may still change (an older bucket policy without the deny) it restores.
func TestLibNetworkProtectionDriftNeedsOwnerCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	lakeSail := env.controlPlane(t)
	n, err := network.New(lakeSail).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	s3c, kmsc := env.s3(), env.kms()
	bucket := aws.String(n.BucketName)
	tlsOnly := withoutStatement(t, env.bucketPolicy(t, n.BucketName), "DenyConnectionRoleChangingDataProtection")

	for _, tc := range []struct {
		name, setting string
		tamper        func() error
	}{
		{"public access block removed", "public access block", func() error {
			_, err := s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: bucket})
			return err
		}},
		{"TLS statement removed", "bucket policy", func() error {
			_, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(withoutStatement(t, env.bucketPolicy(t, n.BucketName), "DenyRequestsWithoutTls"))})
			return err
		}},
		{"key policy widened", "key policy", func() error {
			widened, err := iampolicy.Parse(env.keyPolicy(t, n.KMSKeyARN))
			lakesailtest.Must(t, err)
			widened.Statement = append(widened.Statement, iampolicy.Statement{Sid: "Everyone", Effect: iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: iampolicy.Values{"*"}}, Action: iampolicy.Values{"kms:Decrypt"}, Resource: iampolicy.Values{"*"}})
			_, err = kmsc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(n.KMSKeyARN), PolicyName: aws.String("default"), Policy: aws.String(widened.JSON())})
			return err
		}},
	} {
		lakesailtest.Must(t, tc.tamper())
		drifted, err := network.New(lakeSail).Read(ctx, spec, n)
		lakesailtest.Must(t, err)
		if len(drifted.Drift) == 0 {
			t.Fatalf("%s: no drift reported", tc.name)
		}
		from := len(env.emu.Calls())
		_, err = network.New(lakeSail).Update(ctx, spec, drifted, nil)
		var ownerErr *lakesail.OwnerCredentialsRequiredError
		if !errors.As(err, &ownerErr) || ownerErr.Setting != tc.setting || ownerErr.Err != nil {
			t.Fatalf("%s: update by the control plane: %v, want OwnerCredentialsRequiredError for the %s", tc.name, err, tc.setting)
		}
		if !strings.Contains(err.Error(), "account's own credentials") {
			t.Errorf("%s: the error does not say what restores it: %v", tc.name, err)
		}
		asLakeSail := env.callsBy(t, from, func(p string) bool { return strings.Contains(p, ":"+lakeSailAccount+":") })
		if slices.ContainsFunc(asLakeSail, func(a string) bool { return a != "sts:AssumeRole" && a != "sts:GetCallerIdentity" }) {
			t.Errorf("%s: calls with LakeSail's own credentials: %v", tc.name, asLakeSail)
		}
		// The customer's apply restores it.
		restored, err := network.New(env.client).Update(ctx, spec, drifted, nil)
		lakesailtest.Must(t, err)
		requireNoDrift(t, restored)
	}

	// An older policy without the deny of the role's changes: the role still may, and does.
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(tlsOnly)})
	lakesailtest.Must(t, err)
	restored, err := network.New(lakeSail).Update(ctx, spec, n, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, restored)
}

// TestLibNetworkNewKeyRolledBackWhenTaggingFails: a key that cannot be tagged right after its
// creation would be found by nothing, so it is scheduled for deletion; a second create makes
// the network with a new key.
func TestLibNetworkNewKeyRolledBackWhenTaggingFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newNetworkEnv(t, awsemu.Options{})
	spec := env.spec()
	env.emu.AddFault(awsemu.Fault{Service: "kms", Operation: "TagResource", ErrorCode: "InjectedFault", HTTPStatus: 400, Message: "injected by the test", Nth: 1, Times: 1})
	_, err := network.New(env.client).Create(ctx, spec, nil, nil)
	env.emu.ClearFaults()
	if awsErr := requireStepError(t, err); awsErr.Action != "kms:TagResource" || !strings.Contains(err.Error(), "scheduled for deletion") {
		t.Fatalf("create: %v, want kms:TagResource failing and the key rolled back", err)
	}
	keys, err := env.kms().ListKeys(ctx, &kms.ListKeysInput{})
	lakesailtest.Must(t, err)
	if len(keys.Keys) != 1 {
		t.Fatalf("%d keys, want the one rolled back", len(keys.Keys))
	}
	rolledBack := aws.ToString(keys.Keys[0].KeyArn)
	if state := env.keyState(t, rolledBack); state != kmstypes.KeyStatePendingDeletion {
		t.Fatalf("the untagged key is %s, want PendingDeletion", state)
	}
	n, err := network.New(env.client).Create(ctx, spec, nil, nil)
	lakesailtest.Must(t, err)
	requireNoDrift(t, n)
	if n.KMSKeyARN == rolledBack {
		t.Error("the network uses the key scheduled for deletion")
	}
}
